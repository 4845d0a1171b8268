package dev.ferry.rpc.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes the canonical string of a request record and its signature, exactly as DESIGN.md fixes them, so that
 * signers in any language agree.
 *
 * <p>Canonical string: topic, record key, {@code ferry-caller}, {@code ferry-correlation-id}, {@code ferry-timestamp}
 * and the lower-case hex SHA-256 of the value bytes, joined by {@code \n} (no trailing newline). A null record key
 * and a null value are signed as the empty string / empty byte array, so a keyless record still has one well-defined
 * signature. Signature: lower-case hex HMAC-SHA256(derived key, canonical string as UTF-8).
 */
public final class RequestSignatures {

    private static final HexFormat HEX = HexFormat.of();

    private RequestSignatures() {
    }

    public static String canonicalString(String topic, String key, String caller, String correlationId,
            String timestamp, byte[] value) {
        return String.join("\n", nullToEmpty(topic), nullToEmpty(key), nullToEmpty(caller),
                nullToEmpty(correlationId), nullToEmpty(timestamp), sha256Hex(value));
    }

    /** Lower-case hex SHA-256 of the bytes (of no bytes when null). */
    public static String sha256Hex(byte[] value) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(value == null ? new byte[0] : value));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** Raw HMAC-SHA256 of the canonical string under the derived key. */
    public static byte[] hmac(byte[] derivedKey, String canonical) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(derivedKey, "HmacSHA256"));
            return mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** The {@code ferry-signature} value: lower-case hex of {@link #hmac}. */
    public static String signatureHex(byte[] derivedKey, String canonical) {
        return HEX.formatHex(hmac(derivedKey, canonical));
    }

    /** The {@code ferry-signature} value of a request, computed from its parts. */
    public static String sign(byte[] derivedKey, String topic, String key, String caller, String correlationId,
            String timestamp, byte[] value) {
        return signatureHex(derivedKey, canonicalString(topic, key, caller, correlationId, timestamp, value));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
