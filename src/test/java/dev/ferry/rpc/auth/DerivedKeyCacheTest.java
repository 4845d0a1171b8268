package dev.ferry.rpc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Given bootstrap passwords from configuration, keys are derived once and then served from memory. */
class DerivedKeyCacheTest {

    @Test
    void aKeyIsDerivedOnceAndThenServedFromTheCache() {
        DerivedKeyCache cache = new DerivedKeyCache();
        byte[] first = cache.derive(RequestSigningTest.PASSWORD, RequestSigningTest.CALLER);
        assertThat(HexFormat.of().formatHex(first)).isEqualTo(RequestSigningTest.DERIVED_KEY);
        assertThat(cache.size()).isEqualTo(1);

        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            cache.derive(RequestSigningTest.PASSWORD, RequestSigningTest.CALLER);
        }
        // A thousand PBKDF2 runs of 10,000 iterations would take seconds; hits take microseconds each.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void callersAndPasswordsAreSeparateEntriesAndReturnedKeysCannotCorruptTheCache() {
        DerivedKeyCache cache = new DerivedKeyCache();
        byte[] a = cache.derive("password-one-123456", "user-admin");
        byte[] b = cache.derive("password-two-123456", "user-admin");
        byte[] c = cache.derive("password-one-123456", "machine-0");
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        assertThat(cache.size()).isEqualTo(3);
        a[0] ^= 1;
        assertThat(cache.derive("password-one-123456", "user-admin")).isEqualTo(
                SigningKeys.derive("password-one-123456", "user-admin"));
    }

    @Test
    void theCacheStaysWithinItsBound() {
        DerivedKeyCache cache = new DerivedKeyCache(2);
        cache.derive("password-one-123456", "machine-1");
        cache.derive("password-one-123456", "machine-2");
        cache.derive("password-one-123456", "machine-3");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void aLookupOverConfiguredPasswordsKnowsOnlyThoseCallers() {
        DerivedKeyCache cache = new DerivedKeyCache();
        KeyLookup bootstrap = cache.lookup(Map.of("user-admin", "admin-secret-123456", "machine-0",
                RequestSigningTest.PASSWORD));
        assertThat(cache.size()).isZero();
        assertThat(bootstrap.derivedKey("machine-0")).hasValueSatisfying(
                key -> assertThat(HexFormat.of().formatHex(key)).isEqualTo(RequestSigningTest.DERIVED_KEY));
        assertThat(bootstrap.derivedKey("user-admin")).isPresent();
        assertThat(bootstrap.derivedKey("machine-1")).isEmpty();
        assertThat(cache.size()).isEqualTo(2);
    }
}
