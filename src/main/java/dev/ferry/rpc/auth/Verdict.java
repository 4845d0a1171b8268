package dev.ferry.rpc.auth;

import dev.ferry.rpc.tag.Tag;

/** The outcome of verifying a request's signature: accepted with the proven caller, or refused with a reason. */
public sealed interface Verdict permits Verdict.Accepted, Verdict.Refused {

    default boolean isAccepted() {
        return this instanceof Accepted;
    }

    /**
     * The signature proves the caller; {@code correlationId} (with the caller) is the request's idempotency key.
     * Replays are not detected here: that is the pipeline's deduplication on caller and correlation id.
     */
    record Accepted(Tag caller, String correlationId, long timestampMillis) implements Verdict {

        /** The caller's tag string, as in the {@code ferry-caller} header. */
        public String callerTag() {
            return caller.toString();
        }
    }

    /**
     * The request is not proven. {@code message} is safe for an {@code unauthorized access} error and for logs: it
     * never contains the signature, a key or a password.
     */
    record Refused(RefusalReason reason, String message) implements Verdict {
    }
}
