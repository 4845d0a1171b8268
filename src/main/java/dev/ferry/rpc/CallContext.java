package dev.ferry.rpc;

import java.time.Instant;

import org.hibernate.reactive.mutiny.Mutiny;

/**
 * What a facade method sees of its call: the model (the record key), the authenticated caller, the batch's database
 * session (inside its transaction), the effects to publish with the response, the batch's clock reading, and
 * the request's {@code id} (the watcher a watcher call is addressed to; empty otherwise).
 */
public record CallContext(String modelUuid, Caller caller, Mutiny.Session session, Effects effects, Instant now,
        String objectId) {
}
