package dev.ferry.rpc.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers derived signing keys per (caller tag, password), so that callers whose passwords come from
 * configuration (the bootstrap {@code user-admin} and controller agent) cost one PBKDF2 run, not one per request.
 *
 * <p>Entries are keyed by the caller and a SHA-256 of the password, so the cache itself holds no password. It is
 * bounded: when full, an arbitrary entry is dropped (it only ever holds a handful of bootstrap callers).
 */
public final class DerivedKeyCache {

    public static final int DEFAULT_MAX_ENTRIES = 1024;

    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final int maxEntries;

    public DerivedKeyCache() {
        this(DEFAULT_MAX_ENTRIES);
    }

    public DerivedKeyCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
    }

    /** The derived key of {@code callerTag} with {@code password}, computed on first use only. */
    public byte[] derive(String password, String callerTag) {
        if (password == null || password.isEmpty() || callerTag == null || callerTag.isEmpty()) {
            return SigningKeys.derive(password, callerTag); // throws, with the reason
        }
        String cacheKey = callerTag + "\n" + sha256Hex(password);
        byte[] key = keys.get(cacheKey);
        if (key == null) {
            key = SigningKeys.derive(password, callerTag);
            evictIfFull();
            keys.putIfAbsent(cacheKey, key);
        }
        return key.clone();
    }

    /** A lookup over configured passwords (caller tag → password), deriving each key once, on first use. */
    public KeyLookup lookup(Map<String, String> passwordsByCaller) {
        Map<String, String> passwords = Map.copyOf(passwordsByCaller);
        return caller -> Optional.ofNullable(passwords.get(caller)).map(password -> derive(password, caller));
    }

    public int size() {
        return keys.size();
    }

    private void evictIfFull() {
        Iterator<String> it = keys.keySet().iterator();
        while (keys.size() >= maxEntries && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private static String sha256Hex(String password) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
