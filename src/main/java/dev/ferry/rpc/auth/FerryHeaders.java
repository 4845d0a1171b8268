package dev.ferry.rpc.auth;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Names of the Kafka record headers of Ferry's RPC wire contract, and a UTF-8 reader for them. */
public final class FerryHeaders {

    /** The caller's Juju tag, e.g. {@code machine-0}; signed, and the salt of the caller's key. */
    public static final String CALLER = "ferry-caller";
    /** Unique per request (a UUID); with the caller, the idempotency key; copied onto the response. */
    public static final String CORRELATION_ID = "ferry-correlation-id";
    /** Milliseconds since the epoch, decimal; signed, and checked against a window to refuse stale requests. */
    public static final String TIMESTAMP = "ferry-timestamp";
    /** Lower-case hex HMAC-SHA256 of the canonical string (see {@link RequestSignatures}). */
    public static final String SIGNATURE = "ferry-signature";
    /** Optional response topic; not signed. Absent means {@link #DEFAULT_REPLY_TO}. */
    public static final String REPLY_TO = "ferry-reply-to";

    public static final String DEFAULT_REQUESTS_TOPIC = "juju.rpc.requests";
    public static final String DEFAULT_REPLY_TO = "juju.rpc.responses";

    private FerryHeaders() {
    }

    /** The last value of the header as UTF-8 (Kafka allows repeats; the last one wins), or null when absent. */
    public static String lastValue(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return null;
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
