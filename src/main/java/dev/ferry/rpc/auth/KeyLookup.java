package dev.ferry.rpc.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Finds the derived signing key of a caller tag; the pipeline stores derived keys (never passwords), and bootstrap
 * callers come from configuration through {@link DerivedKeyCache#lookup(Map)}.
 */
@FunctionalInterface
public interface KeyLookup {

    /** The caller's 32-byte derived key, or empty when the caller is unknown. */
    Optional<byte[]> derivedKey(String callerTag);

    /** Asks this lookup first, then {@code other} for callers this one does not know. */
    default KeyLookup orElse(KeyLookup other) {
        return caller -> {
            Optional<byte[]> key = derivedKey(caller);
            return key.isPresent() ? key : other.derivedKey(caller);
        };
    }

    /** A lookup over a fixed map of caller tag → derived key. */
    static KeyLookup of(Map<String, byte[]> derivedKeys) {
        Map<String, byte[]> copy = Map.copyOf(derivedKeys);
        return caller -> Optional.ofNullable(copy.get(caller)).map(byte[]::clone);
    }

    /** Knows nobody. */
    static KeyLookup none() {
        return caller -> Optional.empty();
    }
}
