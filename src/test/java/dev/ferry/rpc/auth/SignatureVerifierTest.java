package dev.ferry.rpc.auth;

import static dev.ferry.rpc.auth.RequestSigningTest.CALLER;
import static dev.ferry.rpc.auth.RequestSigningTest.CORRELATION;
import static dev.ferry.rpc.auth.RequestSigningTest.DERIVED_KEY;
import static dev.ferry.rpc.auth.RequestSigningTest.MODEL;
import static dev.ferry.rpc.auth.RequestSigningTest.SIGNATURE;
import static dev.ferry.rpc.auth.RequestSigningTest.TIMESTAMP;
import static dev.ferry.rpc.auth.RequestSigningTest.TOPIC;
import static dev.ferry.rpc.auth.RequestSigningTest.VALUE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.ferry.rpc.tag.MachineTag;
import io.smallrye.mutiny.Uni;

/** Given signed and tampered requests, the verifier accepts exactly the genuine, fresh ones and says why not. */
class SignatureVerifierTest {

    private static final byte[] KEY = HexFormat.of().parseHex(DERIVED_KEY);
    private static final KeyLookup KEYS = KeyLookup.of(Map.of(CALLER, KEY));
    private static final String TS = Long.toString(TIMESTAMP);

    private final SignatureVerifier verifier = verifierAt(TIMESTAMP);

    private static SignatureVerifier verifierAt(long nowMillis) {
        return new SignatureVerifier(Clock.fixed(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC),
                SignatureVerifier.DEFAULT_WINDOW);
    }

    private Verdict verify(SignatureHeaders headers) {
        return verifier.verify(TOPIC, MODEL, headers, VALUE, KEYS);
    }

    private static Verdict.Refused refused(Verdict verdict) {
        assertThat(verdict).isInstanceOf(Verdict.Refused.class);
        return (Verdict.Refused) verdict;
    }

    @Test
    void givenAGenuineRequest_thenItIsAcceptedWithCallerAndCorrelationId() {
        Verdict verdict = verify(new SignatureHeaders(CALLER, CORRELATION, TS, SIGNATURE));
        assertThat(verdict.isAccepted()).isTrue();
        Verdict.Accepted accepted = (Verdict.Accepted) verdict;
        assertThat(accepted.caller()).isEqualTo(MachineTag.ofId("0"));
        assertThat(accepted.callerTag()).isEqualTo(CALLER);
        assertThat(accepted.correlationId()).isEqualTo(CORRELATION);
        assertThat(accepted.timestampMillis()).isEqualTo(TIMESTAMP);
    }

    @Test
    void givenASignedKafkaRecord_thenItsHeadersVerify() {
        ProducerRecord<String, byte[]> signed = new RequestSigner(CALLER, KEY)
                .sign(new ProducerRecord<>(TOPIC, MODEL, VALUE), CORRELATION, TIMESTAMP);
        assertThat(verifier.verify(TOPIC, MODEL, signed.headers(), VALUE, KEYS).isAccepted()).isTrue();
    }

    @Test
    void anUpperCaseSignatureIsTheSameSignature() {
        assertThat(verify(new SignatureHeaders(CALLER, CORRELATION, TS, SIGNATURE.toUpperCase())).isAccepted())
                .isTrue();
    }

    @ParameterizedTest(name = "missing {0}")
    @CsvSource({ "ferry-caller", "ferry-correlation-id", "ferry-timestamp", "ferry-signature" })
    void givenAMissingOrEmptyHeader_thenItIsNamed(String missing) {
        for (String absent : new String[] { null, "" }) {
            SignatureHeaders headers = new SignatureHeaders(missing.equals("ferry-caller") ? absent : CALLER,
                    missing.equals("ferry-correlation-id") ? absent : CORRELATION,
                    missing.equals("ferry-timestamp") ? absent : TS,
                    missing.equals("ferry-signature") ? absent : SIGNATURE);
            Verdict.Refused refused = refused(verify(headers));
            assertThat(refused.reason()).isEqualTo(RefusalReason.MISSING_HEADER);
            assertThat(refused.message()).isEqualTo("missing header " + missing);
        }
    }

    @Test
    void givenNoHeadersAtAll_thenTheCallerIsNamedFirst() {
        ProducerRecord<String, byte[]> bare = new ProducerRecord<>(TOPIC, MODEL, VALUE);
        assertThat(refused(verifier.verify(TOPIC, MODEL, bare.headers(), VALUE, KEYS)).message())
                .isEqualTo("missing header ferry-caller");
    }

    @ParameterizedTest(name = "timestamp \"{0}\"")
    @CsvSource({ "abc", "-1767225600000", "+1767225600000", "1767225600000.0", "' 1767225600000'",
            "1.7e12", "99999999999999999999" })
    void givenAMalformedTimestamp_thenItIsRefusedAsMalformed(String timestamp) {
        Verdict.Refused refused = refused(verify(new SignatureHeaders(CALLER, CORRELATION, timestamp, SIGNATURE)));
        assertThat(refused.reason()).isEqualTo(RefusalReason.MALFORMED_TIMESTAMP);
        assertThat(refused.message()).isEqualTo("malformed ferry-timestamp \"" + timestamp
                + "\": expected milliseconds since the epoch");
    }

    @Test
    void theWindowIncludesItsBoundsInThePastAndTheFuture() {
        long window = Duration.ofMinutes(5).toMillis();
        for (long now : new long[] { TIMESTAMP - window, TIMESTAMP + window }) {
            assertThat(verifierAt(now).verify(TOPIC, MODEL, new SignatureHeaders(CALLER, CORRELATION, TS, SIGNATURE),
                    VALUE, KEYS).isAccepted()).as("now = timestamp %+d ms", now - TIMESTAMP).isTrue();
        }
    }

    @Test
    void givenAStaleOrFutureTimestamp_thenItIsRefusedWithTheSameMessageWhenever() {
        long window = Duration.ofMinutes(5).toMillis();
        SignatureHeaders headers = new SignatureHeaders(CALLER, CORRELATION, TS, SIGNATURE);

        Verdict.Refused stale = refused(verifierAt(TIMESTAMP + window + 1).verify(TOPIC, MODEL, headers, VALUE, KEYS));
        assertThat(stale.reason()).isEqualTo(RefusalReason.TIMESTAMP_OUTSIDE_WINDOW);
        assertThat(stale.message())
                .isEqualTo("ferry-timestamp 1767225600000 is behind the server clock by more than the window of 300 s");
        // Asked again an hour later: the same answer, as a redelivered request must get.
        assertThat(refused(verifierAt(TIMESTAMP + window + 3_600_000).verify(TOPIC, MODEL, headers, VALUE, KEYS))
                .message()).isEqualTo(stale.message());

        Verdict.Refused future = refused(
                verifierAt(TIMESTAMP - 3_600_000).verify(TOPIC, MODEL, headers, VALUE, KEYS));
        assertThat(future.reason()).isEqualTo(RefusalReason.TIMESTAMP_OUTSIDE_WINDOW);
        assertThat(future.message())
                .isEqualTo("ferry-timestamp 1767225600000 is ahead of the server clock by more than the window of 300 s");
    }

    @Test
    void givenAnUnknownCaller_thenItIsRefusedAndNamed() {
        Verdict.Refused refused = refused(
                verify(new SignatureHeaders("machine-7", CORRELATION, TS, SIGNATURE)));
        assertThat(refused.reason()).isEqualTo(RefusalReason.UNKNOWN_CALLER);
        assertThat(refused.message()).isEqualTo("unknown caller \"machine-7\"");
    }

    @Test
    void givenACallerThatIsNoCanonicalTag_thenItIsRefusedAsMalformed() {
        Verdict.Refused garbage = refused(verify(new SignatureHeaders("not-a-tag", CORRELATION, TS, SIGNATURE)));
        assertThat(garbage.reason()).isEqualTo(RefusalReason.MALFORMED_CALLER);
        assertThat(garbage.message()).isEqualTo("invalid ferry-caller: \"not-a-tag\" is not a valid tag");

        Verdict.Refused slashes = refused(verify(new SignatureHeaders("machine-0/lxd/1", CORRELATION, TS, SIGNATURE)));
        assertThat(slashes.reason()).isEqualTo(RefusalReason.MALFORMED_CALLER);
        assertThat(slashes.message())
                .isEqualTo("invalid ferry-caller: \"machine-0/lxd/1\" is not in canonical form (machine-0-lxd-1)");
    }

    @Test
    void givenATamperedField_thenTheSignatureIsBad() {
        SignatureHeaders genuine = new SignatureHeaders(CALLER, CORRELATION, TS, SIGNATURE);
        assertBadSignature(verifier.verify("juju.rpc.other", MODEL, genuine, VALUE, KEYS));
        assertBadSignature(verifier.verify(TOPIC, "another-model", genuine, VALUE, KEYS));
        assertBadSignature(verifier.verify(TOPIC, null, genuine, VALUE, KEYS));
        assertBadSignature(verifier.verify(TOPIC, MODEL, genuine,
                "{\"request-id\":2}".getBytes(StandardCharsets.UTF_8), KEYS));
        assertBadSignature(verify(new SignatureHeaders(CALLER, "another-correlation", TS, SIGNATURE)));
        assertBadSignature(verify(new SignatureHeaders(CALLER, CORRELATION, Long.toString(TIMESTAMP + 1), SIGNATURE)));
        assertBadSignature(verify(new SignatureHeaders(CALLER, CORRELATION, TS, "00" + SIGNATURE.substring(2))));
        assertBadSignature(verify(new SignatureHeaders(CALLER, CORRELATION, TS, "not hex")));
        assertBadSignature(verify(new SignatureHeaders(CALLER, CORRELATION, TS, SIGNATURE + "00")));
        assertBadSignature(verify(new SignatureHeaders(CALLER, CORRELATION, TS, "zz" + SIGNATURE.substring(2))));
        KeyLookup otherPassword = KeyLookup.of(Map.of(CALLER, SigningKeys.derive("another-password-000", CALLER)));
        assertBadSignature(verifier.verify(TOPIC, MODEL, genuine, VALUE, otherPassword));
    }

    private static void assertBadSignature(Verdict verdict) {
        Verdict.Refused refused = refused(verdict);
        assertThat(refused.reason()).isEqualTo(RefusalReason.BAD_SIGNATURE);
        assertThat(refused.message()).isEqualTo("bad signature from \"machine-0\"");
    }

    @Test
    void refusalMessagesNeverContainTheSignatureKeyOrPassword() {
        SignatureHeaders tampered = new SignatureHeaders(CALLER, CORRELATION, TS, SIGNATURE);
        Verdict.Refused refused = refused(verifier.verify(TOPIC, MODEL, tampered, new byte[] { 1 }, KEYS));
        assertThat(refused.message()).doesNotContain(SIGNATURE).doesNotContain(DERIVED_KEY)
                .doesNotContain(RequestSigningTest.PASSWORD).doesNotContain(SIGNATURE.substring(0, 8));
        assertThat(refused.toString()).doesNotContain(SIGNATURE);
    }

    @Test
    void untrustedHeaderValuesAreQuotedEscapedAndCapped() {
        String hostile = "ab\"c\n" + "x".repeat(200);
        Verdict.Refused refused = refused(verify(new SignatureHeaders(CALLER, CORRELATION, hostile, SIGNATURE)));
        assertThat(refused.message()).startsWith("malformed ferry-timestamp \"ab\\u0022c\\u000axxx")
                .doesNotContain("\n").hasSizeLessThan(150);
    }

    @Test
    void theAsyncVerifierAsksTheKeyStoreOnlyForWellFormedFreshRequests() {
        AtomicInteger lookups = new AtomicInteger();
        java.util.function.Function<String, Uni<Optional<byte[]>>> store = caller -> {
            lookups.incrementAndGet();
            return Uni.createFrom().item(KEYS.derivedKey(caller));
        };
        Verdict ok = verifier.verifyAsync(TOPIC, MODEL, new SignatureHeaders(CALLER, CORRELATION, TS, SIGNATURE), VALUE,
                store).await().atMost(Duration.ofSeconds(5));
        assertThat(ok.isAccepted()).isTrue();
        Verdict stale = verifierAt(TIMESTAMP + 3_600_000).verifyAsync(TOPIC, MODEL,
                new SignatureHeaders(CALLER, CORRELATION, TS, SIGNATURE), VALUE, store)
                .await().atMost(Duration.ofSeconds(5));
        assertThat(refused(stale).reason()).isEqualTo(RefusalReason.TIMESTAMP_OUTSIDE_WINDOW);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void lookupsChainSoConfiguredCallersAndStoredKeysBothWork() {
        KeyLookup stored = KeyLookup.of(Map.of("machine-3", SigningKeys.derive("machine-3-password-xyz", "machine-3")));
        KeyLookup both = KEYS.orElse(stored);
        assertThat(both.derivedKey(CALLER)).isPresent();
        assertThat(both.derivedKey("machine-3")).isPresent();
        assertThat(both.derivedKey("machine-4")).isEmpty();
        assertThat(KeyLookup.none().derivedKey(CALLER)).isEmpty();
    }
}
