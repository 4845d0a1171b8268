package dev.ferry.rpc.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Signs request records for one caller: takes a record (topic, key, value) and returns a copy carrying the
 * {@code ferry-caller}, {@code ferry-correlation-id}, {@code ferry-timestamp} and {@code ferry-signature} headers.
 */
public final class RequestSigner {

    private static final Set<String> SIGNING_HEADERS = Set.of(FerryHeaders.CALLER, FerryHeaders.CORRELATION_ID,
            FerryHeaders.TIMESTAMP, FerryHeaders.SIGNATURE);

    private final String callerTag;
    private final byte[] derivedKey;
    private final Clock clock;

    public RequestSigner(String callerTag, byte[] derivedKey, Clock clock) {
        if (callerTag == null || callerTag.isEmpty()) {
            throw new IllegalArgumentException("a signer needs a caller tag");
        }
        if (derivedKey == null || derivedKey.length == 0) {
            throw new IllegalArgumentException("a signer needs a derived key");
        }
        this.callerTag = callerTag;
        this.derivedKey = derivedKey.clone();
        this.clock = clock;
    }

    public RequestSigner(String callerTag, byte[] derivedKey) {
        this(callerTag, derivedKey, Clock.systemUTC());
    }

    /** Derives the key from the password once (PBKDF2 is slow), then signs with it. */
    public static RequestSigner withPassword(String callerTag, String password) {
        return new RequestSigner(callerTag, SigningKeys.derive(password, callerTag));
    }

    public String callerTag() {
        return callerTag;
    }

    /** The signature of a request with these parts, signed as this caller. */
    public String signature(String topic, String key, String correlationId, long timestampMillis, byte[] value) {
        return RequestSignatures.sign(derivedKey, topic, key, callerTag, correlationId,
                Long.toString(timestampMillis), value);
    }

    /** Signs with a fresh random correlation id and the current time. */
    public ProducerRecord<String, byte[]> sign(ProducerRecord<String, byte[]> record) {
        return sign(record, UUID.randomUUID().toString(), clock.millis());
    }

    /**
     * A copy of the record with the four signing headers set to these values (any previous ones replaced, other
     * headers such as {@code ferry-reply-to} kept). Tests use fixed values to build replays and stale requests.
     */
    public ProducerRecord<String, byte[]> sign(ProducerRecord<String, byte[]> record, String correlationId,
            long timestampMillis) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!SIGNING_HEADERS.contains(header.key())) {
                headers.add(header);
            }
        }
        headers.add(FerryHeaders.CALLER, utf8(callerTag));
        headers.add(FerryHeaders.CORRELATION_ID, utf8(correlationId));
        headers.add(FerryHeaders.TIMESTAMP, utf8(Long.toString(timestampMillis)));
        headers.add(FerryHeaders.SIGNATURE,
                utf8(signature(record.topic(), record.key(), correlationId, timestampMillis, record.value())));
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(),
                record.value(), headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
