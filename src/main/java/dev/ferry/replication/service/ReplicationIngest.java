package dev.ferry.replication.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ferry.json.StorableText;
import dev.ferry.replication.api.Condition;
import dev.ferry.replication.api.InvalidObjectException;
import dev.ferry.replication.api.ObjectKey;
import dev.ferry.replication.api.ObjectMeta;
import dev.ferry.replication.api.ReplicationCodec;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationObject;
import dev.ferry.replication.api.ReplicationSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes {@code volsync.replication-sources} and {@code volsync.replication-destinations} (key
 * {@code namespace/name}). A valid object is stored and reconciled; an invalid one is stored as such and answered
 * with a {@code Synchronizing=False} status naming the problem; a tombstone deletes the object and runs its mover's
 * Cleanup. Only a record whose key is not {@code namespace/name} goes to the topic's {@code .dlq}, with the reason in
 * the {@code ferry-dlq-reason} header. The offset is committed once the database has the record.
 */
@ApplicationScoped
public class ReplicationIngest {

    private static final Logger LOG = Logger.getLogger(ReplicationIngest.class);
    public static final String SOURCES = "volsync-sources";
    public static final String DESTINATIONS = "volsync-destinations";
    public static final String SOURCES_DLQ = "volsync-sources-dlq";
    public static final String DESTINATIONS_DLQ = "volsync-destinations-dlq";
    public static final String REASON_HEADER = "ferry-dlq-reason";
    static final String CONTENT_TYPE_HEADER = "content-type";

    private final ReplicationRepository repository;
    private final ReplicationController controller;
    private final MutinyEmitter<byte[]> sourcesDlq;
    private final MutinyEmitter<byte[]> destinationsDlq;
    private final ReplicationCodec codec = new ReplicationCodec();

    public ReplicationIngest(ReplicationRepository repository, ReplicationController controller,
            @Channel(SOURCES_DLQ) MutinyEmitter<byte[]> sourcesDlq,
            @Channel(DESTINATIONS_DLQ) MutinyEmitter<byte[]> destinationsDlq) {
        this.repository = repository;
        this.controller = controller;
        this.sourcesDlq = sourcesDlq;
        this.destinationsDlq = destinationsDlq;
    }

    @Incoming(SOURCES)
    public Uni<Void> onSource(Message<byte[]> record) {
        return ingest(ReplicationSource.KIND, record, sourcesDlq);
    }

    @Incoming(DESTINATIONS)
    public Uni<Void> onDestination(Message<byte[]> record) {
        return ingest(ReplicationDestination.KIND, record, destinationsDlq);
    }

    private Uni<Void> ingest(String kind, Message<byte[]> record, MutinyEmitter<byte[]> dlq) {
        IncomingKafkaRecordMetadata<?, ?> in = record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        Object rawKey = in.getKey();
        Optional<ObjectKey> key = ObjectKey.parse(rawKey == null ? null : rawKey.toString());
        Uni<Void> work;
        if (key.isEmpty()) {
            work = deadLetter(in, record.getPayload(), dlq, "record key " + (rawKey == null ? "(none)"
                    : "\"" + rawKey + "\"") + " is not namespace/name");
        } else {
            ObjectRef ref = new ObjectRef(kind, key.get());
            work = record.getPayload() == null ? delete(ref)
                    : store(ref, record.getPayload(), contentType(in), in.getPartition());
        }
        return work.onFailure().invoke(e -> LOG.warnf("%s record at %s-%d@%d not stored yet: %s", kind,
                in.getTopic(), in.getPartition(), in.getOffset(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(30)).indefinitely()
                .chain(() -> Uni.createFrom().completionStage(record.ack()));
    }

    /** A record as stored: the object's JSON (a minimal one if invalid), the problem if any, the uid it named. */
    private record Accepted(String json, String invalid, Optional<String> uid) {
    }

    private Accepted accept(ObjectRef ref, byte[] value, String contentType) {
        try {
            ReplicationObject object = ReplicationSource.KIND.equals(ref.kind())
                    ? codec.readSource(ref.key(), value, contentType)
                    : codec.readDestination(ref.key(), value, contentType);
            return new Accepted(codec.writeString(object), null, uidOf(object.metadata()));
        } catch (InvalidObjectException e) {
            return invalid(ref, e.getMessage(), codec.namedUid(ref.kind(), value, contentType));
        }
    }

    /** An invalid object as stored: its identity from the key, and the problem (storable, as a condition's). */
    private Accepted invalid(ObjectRef ref, String problem, Optional<String> uid) {
        ObjectNode minimal = codec.mapper().createObjectNode().put("apiVersion", ReplicationObject.API_VERSION)
                .put("kind", ref.kind());
        minimal.putObject("metadata").put("name", ref.name()).put("namespace", ref.namespace());
        return new Accepted(minimal.toString(), StorableText.of(problem, Condition.MAX_MESSAGE_LENGTH), uid);
    }

    /**
     * Stores the record's object; one the database refuses for what it holds (rather than for being away) is stored
     * as invalid with the database's reason, so that it is answered and the records after it are not held up.
     */
    private Uni<Void> store(ObjectRef ref, byte[] value, String contentType, int partition) {
        Accepted accepted = accept(ref, value, contentType);
        return store(ref, accepted, partition).onFailure(ReplicationIngest::refusedForItsContent).recoverWithUni(
                e -> store(ref, invalid(ref, "the database refused the object: " + e.getMessage(), Optional.empty()),
                        partition));
    }

    /** PostgreSQL's data exceptions (class 22) and exceeded limits (54): the same record fails every time. */
    static boolean refusedForItsContent(Throwable e) {
        return e instanceof PgException pg && pg.getSqlState() != null
                && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("54"));
    }

    private Uni<Void> store(ObjectRef ref, Accepted accepted, int partition) {
        String uid = accepted.uid().orElseGet(() -> UUID.randomUUID().toString());
        return repository.upsert(ref, uid, accepted.uid().isPresent(), accepted.json(), accepted.invalid(), partition)
                .chain(row -> {
                    if (row.isPresent()) {
                        controller.enqueue(ref);
                        return Uni.createFrom().voidItem();
                    }
                    // Another uid under the same name: the stored object was deleted and this one created (its
                    // tombstone may have been compacted away). The old one is finalised as on a tombstone, then
                    // this one stored.
                    LOG.infof("%s: uid %s replaces the stored object of the same name", ref, uid);
                    return delete(ref).chain(() -> repository.upsert(ref, uid, true, accepted.json(),
                            accepted.invalid(), partition)).invoke(() -> controller.enqueue(ref)).replaceWithVoid();
                });
    }

    private Uni<Void> delete(ObjectRef ref) {
        return repository.delete(ref).chain(row -> {
            if (row.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            ReplicationObject last;
            try {
                last = controller.decode(ref.kind(), row.get(),
                        dev.ferry.replication.reconcile.Reconciler.emptyStatusOf(ref.kind()));
            } catch (RuntimeException e) {
                // Never block the partition on an unreadable row: clean up by identity alone.
                LOG.warnf("%s: stored object unreadable (%s); deleting what it owned", ref, e.getMessage());
                ObjectMeta meta = new ObjectMeta(ref.name(), ref.namespace(), row.get().uid(), null, null,
                        row.get().createdAt(), null, null);
                last = ReplicationSource.KIND.equals(ref.kind())
                        ? new ReplicationSource(ReplicationObject.API_VERSION, ref.kind(), meta, null,
                                new dev.ferry.replication.api.ReplicationSourceStatus())
                        : new ReplicationDestination(ReplicationObject.API_VERSION, ref.kind(), meta, null,
                                new dev.ferry.replication.api.ReplicationDestinationStatus());
            }
            controller.finalizeDeleted(ref, last);
            return Uni.createFrom().voidItem();
        });
    }

    /** The uid the record names, as it names it; none when absent or empty. */
    private static Optional<String> uidOf(ObjectMeta meta) {
        return Optional.ofNullable(meta.uid()).filter(uid -> !uid.isEmpty());
    }

    private static String contentType(IncomingKafkaRecordMetadata<?, ?> in) {
        Header header = in.getHeaders().lastHeader(CONTENT_TYPE_HEADER);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Uni<Void> deadLetter(IncomingKafkaRecordMetadata<?, ?> in, byte[] value,
            MutinyEmitter<byte[]> dlq, String reason) {
        RecordHeaders headers = new RecordHeaders();
        in.getHeaders().forEach(headers::add);
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add("ferry-dlq-origin", (in.getTopic() + "-" + in.getPartition() + "@" + in.getOffset())
                .getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<Object> out = OutgoingKafkaRecordMetadata.builder().withKey(in.getKey())
                .withHeaders(headers).withTimestamp(in.getTimestamp()).build();
        LOG.warnf("Record %s-%d@%d sent to the dead-letter topic: %s", in.getTopic(), in.getPartition(),
                in.getOffset(), reason);
        return dlq.sendMessage(Message.of(value == null ? new byte[0] : value).addMetadata(out));
    }
}
