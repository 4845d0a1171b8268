package dev.ferry.replication.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.ferry.stream.KafkaClientProperties;
import dev.ferry.stream.StaticMembers;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;

/**
 * The replication channels' consumers are static members of their groups, named after this instance
 * ({@code <instance-id>-<channel>}). An instance restarted under its name (a container restarted in its pod, a
 * StatefulSet's pod, a service restarted on its host) takes its partitions back as soon as it rejoins, where a new
 * dynamic member waited for the session of the crashed one to time out; and an instance crashing again and again
 * leaves no dead members behind to be given partitions. A static member stays in its group when its consumer closes,
 * so a graceful stop removes it once the connector has closed the consumers: its partitions move at once even when
 * the instance comes back under another name, as a Deployment's pods do.
 */
@ApplicationScoped
public class ReplicationGroupMembership implements ClientCustomizer<Map<String, Object>> {

    /** After the connector's own observer (priority 50), which closes the consumers and waits for them. */
    static final int AFTER_CONSUMERS_CLOSED = 100;
    private static final List<String> CHANNELS = List.of(ReplicationIngest.SOURCES, ReplicationIngest.DESTINATIONS);

    private final String instanceId;
    private final Config config;
    private final Map<String, AtomicInteger> consumersOfChannel = new ConcurrentHashMap<>();
    private final Map<String, List<String>> membersOfGroup = new ConcurrentHashMap<>();

    public ReplicationGroupMembership(@ConfigProperty(name = "ferry.rpc.instance-id") Optional<String> instanceId,
            Config config) {
        this.instanceId = KafkaClientProperties.instanceId(instanceId);
        this.config = config;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> consumerConfig) {
        Object groupId = consumerConfig.get(ConsumerConfig.GROUP_ID_CONFIG);
        if (!CHANNELS.contains(channel) || groupId == null
                || consumerConfig.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
            return consumerConfig; // not ours, or named in the channel's configuration, which wins
        }
        // A channel configured with several consumers ("partitions") needs a name for each.
        int index = consumersOfChannel.computeIfAbsent(channel, c -> new AtomicInteger()).getAndIncrement();
        String member = instanceId + "-" + channel + (index == 0 ? "" : "-" + index);
        membersOfGroup.computeIfAbsent(groupId.toString(), g -> new CopyOnWriteArrayList<>()).add(member);
        Map<String, Object> customized = new HashMap<>(consumerConfig);
        customized.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, member);
        return customized;
    }

    /** The static members this instance's consumers joined as, by group. */
    private Map<String, List<String>> members() {
        Map<String, List<String>> copy = new HashMap<>();
        membersOfGroup.forEach((group, members) -> copy.put(group, List.copyOf(members)));
        return copy;
    }

    void leave(@Observes(notifyObserver = Reception.IF_EXISTS) @Priority(AFTER_CONSUMERS_CLOSED)
            @BeforeDestroyed(ApplicationScoped.class) Object event) {
        StaticMembers.leave(KafkaClientProperties.from(config), "ferry-" + instanceId + "-leave", members());
        membersOfGroup.clear();
    }
}
