package dev.ferry.replication.service;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.ferry.replication.api.ReplicationCodec;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Produces {@code volsync.status}: key {@code namespace/name}, value {@code {kind, metadata, status}}; null after a
 * delete.
 */
@ApplicationScoped
public class StatusPublisher {

    public static final String CHANNEL = "volsync-status";

    private final MutinyEmitter<Record<String, byte[]>> emitter;
    private final ReplicationCodec codec = new ReplicationCodec();

    public StatusPublisher(@Channel(CHANNEL) MutinyEmitter<Record<String, byte[]>> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(ObjectRef ref, StatusDocument document) {
        return emitter.send(Record.of(ref.key().toString(), codec.write(document)));
    }

    public Uni<Void> tombstone(ObjectRef ref) {
        return emitter.send(Record.of(ref.key().toString(), null));
    }
}
