package dev.ferry.rpc.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.spec.KeySpec;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Derives a caller's signing key from its password: PBKDF2-HMAC-SHA256(password as UTF-8, salt {@code "ferry:"}
 * + caller tag, 10,000 iterations, 32 bytes).
 *
 * <p>Deliberately slow (milliseconds per call): store and cache derived keys (see {@link DerivedKeyCache}), never
 * derive per request.
 */
public final class SigningKeys {

    public static final int ITERATIONS = 10_000;
    public static final int KEY_BYTES = 32;
    public static final String SALT_PREFIX = "ferry:";

    private SigningKeys() {
    }

    /**
     * The 32-byte signing key of {@code callerTag} with this password.
     *
     * @throws IllegalArgumentException for an empty password, which no agent may have and HMAC cannot key on
     */
    public static byte[] derive(String password, String callerTag) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a signing key cannot be derived from an empty password");
        }
        if (callerTag == null || callerTag.isEmpty()) {
            throw new IllegalArgumentException("a signing key needs a caller tag");
        }
        byte[] salt = (SALT_PREFIX + callerTag).getBytes(StandardCharsets.UTF_8);
        // The JDK's PBKDF2 encodes the password's chars as UTF-8, which is what other languages (and openssl) use.
        KeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, KEY_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
        }
    }
}
