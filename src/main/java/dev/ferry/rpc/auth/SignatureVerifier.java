package dev.ferry.rpc.auth;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;

import org.apache.kafka.common.header.Headers;

import dev.ferry.rpc.tag.InvalidTagException;
import dev.ferry.rpc.tag.Tag;
import io.smallrye.mutiny.Uni;

/**
 * Verifies a request record's signature headers against the caller's derived key and the clock, and returns a
 * {@link Verdict}: accepted with the caller and correlation id, or refused with a loggable reason.
 *
 * <p>Checks, cheapest first: all four headers present; caller a canonical tag; timestamp a decimal number within
 * the window (past and future alike, bounds included); caller's key known; signature equal to the expected one,
 * compared in constant time. Thread-safe.
 */
public final class SignatureVerifier {

    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

    /** Longest header excerpt echoed into a refusal message, so garbage cannot flood logs. */
    private static final int MAX_ECHO = 64;
    private static final int SIGNATURE_HEX_LENGTH = 64;

    private final Clock clock;
    private final Duration window;

    public SignatureVerifier(Clock clock, Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("the timestamp window must not be negative");
        }
        this.clock = clock;
        this.window = window;
    }

    /** System UTC clock, {@link #DEFAULT_WINDOW}. */
    public static SignatureVerifier withDefaults() {
        return new SignatureVerifier(Clock.systemUTC(), DEFAULT_WINDOW);
    }

    public Duration window() {
        return window;
    }

    /** Verifies a record as it came from Kafka; {@code key} may be null (signed as the empty string). */
    public Verdict verify(String topic, String key, Headers headers, byte[] value, KeyLookup keys) {
        return verify(topic, key, SignatureHeaders.from(headers), value, keys);
    }

    public Verdict verify(String topic, String key, SignatureHeaders headers, byte[] value, KeyLookup keys) {
        return verify(topic, key, headers, value, keys, true);
    }

    /**
     * As {@link #verify(String, String, SignatureHeaders, byte[], KeyLookup)} but without the window: for a
     * pipeline that must recognise a redelivered request (and answer it as before) however old its timestamp is,
     * and then applies {@link #outsideWindow(long)} to requests it has not seen.
     */
    public Verdict verifySignature(String topic, String key, SignatureHeaders headers, byte[] value, KeyLookup keys) {
        return verify(topic, key, headers, value, keys, false);
    }

    /** The refusal for a timestamp further from this verifier's clock than its window; empty when inside it. */
    public Optional<Verdict.Refused> outsideWindow(long timestampMillis) {
        long skew = timestampMillis - clock.millis();
        if (Math.abs(skew) <= window.toMillis()) {
            return Optional.empty();
        }
        // No measured skew in the message: the same stale request must get the same answer each time it is asked.
        String direction = skew > 0 ? "ahead of" : "behind";
        return Optional.of(refuse(RefusalReason.TIMESTAMP_OUTSIDE_WINDOW, FerryHeaders.TIMESTAMP + " "
                + timestampMillis + " is " + direction + " the server clock by more than the window of "
                + window.toSeconds() + " s"));
    }

    private Verdict verify(String topic, String key, SignatureHeaders headers, byte[] value, KeyLookup keys,
            boolean checkWindow) {
        Object checked = precheck(headers, checkWindow);
        if (checked instanceof Verdict.Refused refused) {
            return refused;
        }
        Prechecked request = (Prechecked) checked;
        return finish(request, headers, topic, key, value, keys.derivedKey(headers.caller()));
    }

    /**
     * As {@link #verify(String, String, SignatureHeaders, byte[], KeyLookup)}, for a key store that answers
     * asynchronously (a reactive database); the lookup is not called when the headers already fail.
     */
    public Uni<Verdict> verifyAsync(String topic, String key, SignatureHeaders headers, byte[] value,
            Function<String, Uni<Optional<byte[]>>> keys) {
        Object checked = precheck(headers, true);
        if (checked instanceof Verdict.Refused refused) {
            return Uni.createFrom().item(refused);
        }
        Prechecked request = (Prechecked) checked;
        return keys.apply(headers.caller()).map(derived -> finish(request, headers, topic, key, value, derived));
    }

    private record Prechecked(Tag caller, long timestampMillis) {
    }

    /** Returns a {@link Verdict.Refused} or a {@link Prechecked}. */
    private Object precheck(SignatureHeaders headers, boolean checkWindow) {
        for (String[] header : new String[][] { { FerryHeaders.CALLER, headers.caller() },
                { FerryHeaders.CORRELATION_ID, headers.correlationId() }, { FerryHeaders.TIMESTAMP, headers.timestamp() },
                { FerryHeaders.SIGNATURE, headers.signature() } }) {
            if (header[1] == null || header[1].isEmpty()) {
                return refuse(RefusalReason.MISSING_HEADER, "missing header " + header[0]);
            }
        }
        Tag caller;
        try {
            caller = Tag.parse(headers.caller());
        } catch (InvalidTagException e) {
            return refuse(RefusalReason.MALFORMED_CALLER, "invalid " + FerryHeaders.CALLER + ": " + e.getMessage());
        }
        // One identity, one spelling: the caller is part of the idempotency key and of the key's salt.
        if (!caller.toString().equals(headers.caller())) {
            return refuse(RefusalReason.MALFORMED_CALLER, "invalid " + FerryHeaders.CALLER + ": "
                    + excerpt(headers.caller()) + " is not in canonical form (" + caller + ")");
        }
        long timestamp;
        try {
            timestamp = parseMillis(headers.timestamp());
        } catch (NumberFormatException e) {
            return refuse(RefusalReason.MALFORMED_TIMESTAMP, "malformed " + FerryHeaders.TIMESTAMP + " "
                    + excerpt(headers.timestamp()) + ": expected milliseconds since the epoch");
        }
        if (checkWindow) {
            Optional<Verdict.Refused> stale = outsideWindow(timestamp);
            if (stale.isPresent()) {
                return stale.get();
            }
        }
        return new Prechecked(caller, timestamp);
    }

    private Verdict finish(Prechecked request, SignatureHeaders headers, String topic, String key, byte[] value,
            Optional<byte[]> derivedKey) {
        if (derivedKey.isEmpty()) {
            return refuse(RefusalReason.UNKNOWN_CALLER, "unknown caller " + excerpt(headers.caller()));
        }
        String canonical = RequestSignatures.canonicalString(topic, key, headers.caller(), headers.correlationId(),
                headers.timestamp(), value);
        byte[] expected = RequestSignatures.hmac(derivedKey.get(), canonical);
        byte[] given = decodeSignature(headers.signature());
        // MessageDigest.isEqual compares in time independent of where the bytes differ; a malformed header is
        // compared against a dummy of the right length so that it costs the same as a wrong signature.
        boolean equal = MessageDigest.isEqual(expected, given == null ? new byte[expected.length] : given);
        if (!equal || given == null) {
            return refuse(RefusalReason.BAD_SIGNATURE, "bad signature from " + excerpt(headers.caller()));
        }
        return new Verdict.Accepted(request.caller(), headers.correlationId(), request.timestampMillis());
    }

    /** Decimal digits only (no sign, no spaces), as the wire contract says; throws NumberFormatException. */
    private static long parseMillis(String timestamp) {
        for (int i = 0; i < timestamp.length(); i++) {
            char c = timestamp.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException();
            }
        }
        return Long.parseLong(timestamp);
    }

    /** 32 bytes from 64 hex digits (either case), or null when malformed. */
    private static byte[] decodeSignature(String hex) {
        if (hex.length() != SIGNATURE_HEX_LENGTH) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A quoted, length-capped copy of an untrusted header value for a message, control characters escaped. */
    private static String excerpt(String value) {
        String cut = value.length() > MAX_ECHO ? value.substring(0, MAX_ECHO) + "..." : value;
        StringBuilder out = new StringBuilder(cut.length() + 2).append('"');
        cut.chars().forEach(c -> {
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.append('"').toString();
    }

    private static Verdict.Refused refuse(RefusalReason reason, String message) {
        return new Verdict.Refused(reason, message);
    }
}
