package dev.ferry.replication.service;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import dev.ferry.replication.api.ReplicationCodec;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Produces {@code volsync.status}: key {@code namespace/name}, value {@code {kind, metadata, status}}; null after a
 * delete. A document over {@link #MAX_DOCUMENT_BYTES} (an object whose labels fill its record) goes out with the
 * object's identity as its metadata.
 */
@ApplicationScoped
public class StatusPublisher {

    public static final String CHANNEL = "volsync-status";
    /** Within Kafka's default limits of a record (1 MiB: producer request, broker message), key and headers aside. */
    static final int MAX_DOCUMENT_BYTES = 1_000_000;
    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

    private final MutinyEmitter<Record<String, byte[]>> emitter;
    private final ReplicationCodec codec = new ReplicationCodec();

    public StatusPublisher(@Channel(CHANNEL) MutinyEmitter<Record<String, byte[]>> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(ObjectRef ref, StatusDocument document) {
        byte[] value = codec.write(document);
        if (value.length > MAX_DOCUMENT_BYTES && document.metadata() != null) {
            // Refused by the producer, it would never be published and the object never answered.
            LOG.warnf("%s: a status of %d bytes is over Kafka's default record size; published without the object's"
                    + " labels, annotations and resourceVersion", ref, value.length);
            value = codec.write(new StatusDocument(document.kind(), document.metadata().identity(), document.status()));
        }
        return emitter.send(Record.of(ref.key().toString(), value));
    }

    public Uni<Void> tombstone(ObjectRef ref) {
        return emitter.send(Record.of(ref.key().toString(), null));
    }
}
