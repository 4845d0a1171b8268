package dev.ferry.replication.service;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.ferry.replication.api.ObjectKey;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;

/**
 * {@link Ownership} from the consumer group of the objects' topics: the rebalance listener of both channels records
 * the partitions assigned to this instance. Called on the consumers' polling threads; it only updates sets and tells
 * the listeners, which do their work elsewhere.
 */
@ApplicationScoped
@Default
@Identifier(PartitionOwnership.NAME)
public class PartitionOwnership implements Ownership, KafkaConsumerRebalanceListener {

    static final String NAME = "ferry-volsync-rebalance";
    private static final Logger LOG = Logger.getLogger(PartitionOwnership.class);

    private final Map<String, String> kindOfTopic;
    private final Map<String, String> topicOfKind;
    private final Map<String, Set<Integer>> owned = new ConcurrentHashMap<>();
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();
    private final Collection<Listener> listeners = new CopyOnWriteArrayList<>();

    public PartitionOwnership(
            @ConfigProperty(name = "mp.messaging.incoming.volsync-sources.topic") String sourcesTopic,
            @ConfigProperty(name = "mp.messaging.incoming.volsync-destinations.topic") String destinationsTopic) {
        this.kindOfTopic = Map.of(sourcesTopic, ReplicationSource.KIND, destinationsTopic,
                ReplicationDestination.KIND);
        this.topicOfKind = Map.of(ReplicationSource.KIND, sourcesTopic, ReplicationDestination.KIND,
                destinationsTopic);
    }

    @Override
    public boolean owns(String kind, ObjectKey key, Integer partition) {
        Set<Integer> mine = owned.get(kind);
        if (mine == null) {
            return false;
        }
        if (partition == null) {
            Integer count = partitionCounts.get(kind);
            if (count == null) {
                return false;
            }
            partition = defaultPartition(key, count);
        }
        return mine.contains(partition);
    }

    /** Where Kafka's default partitioner puts a record with this key. */
    static int defaultPartition(ObjectKey key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.toString().getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The partitions of a kind's topic this instance holds now (for health and tests). */
    public Set<Integer> owned(String kind) {
        return Set.copyOf(owned.getOrDefault(kind, Set.of()));
    }

    /** Adds a listener, and tells it at once of what is assigned already. */
    @Override
    public void listen(Listener listener) {
        listeners.add(listener);
        owned.forEach((kind, partitions) -> {
            if (!partitions.isEmpty()) {
                listener.assigned(kind, Set.copyOf(partitions));
            }
        });
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        byKind(partitions).forEach((kind, assigned) -> {
            String topic = topicOfKind.get(kind);
            try {
                partitionCounts.put(kind, consumer.partitionsFor(topic).size());
            } catch (RuntimeException e) {
                // Only rows without a stored partition need the count; they wait for the next assignment.
                LOG.warnf("%s: partition count unknown (%s)", topic, e.getMessage());
            }
            owned.computeIfAbsent(kind, k -> ConcurrentHashMap.newKeySet()).addAll(assigned);
            LOG.infof("%s partitions assigned: %s", kind, assigned);
            listeners.forEach(l -> l.assigned(kind, assigned));
        });
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        release(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        release(partitions);
    }

    private void release(Collection<TopicPartition> partitions) {
        byKind(partitions).forEach((kind, revoked) -> {
            owned.computeIfPresent(kind, (k, mine) -> {
                mine.removeAll(revoked);
                return mine;
            });
            LOG.infof("%s partitions revoked: %s", kind, revoked);
            listeners.forEach(l -> l.revoked(kind, revoked));
        });
    }

    private Map<String, Set<Integer>> byKind(Collection<TopicPartition> partitions) {
        Map<String, Set<Integer>> byKind = new java.util.TreeMap<>();
        for (TopicPartition partition : partitions) {
            String kind = kindOfTopic.get(partition.topic());
            if (kind != null) {
                byKind.computeIfAbsent(kind, k -> new TreeSet<>()).add(partition.partition());
            }
        }
        return byKind;
    }
}
