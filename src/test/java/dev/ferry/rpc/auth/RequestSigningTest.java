package dev.ferry.rpc.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the signing scheme, computed with an independent implementation (Python's hashlib and hmac,
 * and OpenSSL's PBKDF2 for the key), so a change to the scheme cannot pass by changing both sides at once.
 */
class RequestSigningTest {

    static final String TOPIC = "juju.rpc.requests";
    static final String MODEL = "7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15";
    static final String CALLER = "machine-0";
    static final String PASSWORD = "correct-horse-battery-staple";
    static final String CORRELATION = "0b8f6a2e-3c41-4d7a-9e55-6f1a2b3c4d5e";
    static final long TIMESTAMP = 1767225600000L;
    static final byte[] VALUE = ("{\"request-id\":1,\"type\":\"Provisioner\",\"version\":11,\"request\":\"Life\","
            + "\"params\":{\"entities\":[{\"tag\":\"machine-0\"}]}}").getBytes(StandardCharsets.UTF_8);

    static final String DERIVED_KEY = "0b7e3393739eca92ffec306eecab0ea7ec8c6e3cbab89b6bd793a9a4586f1817";
    static final String VALUE_SHA256 = "b7c0978b2f67074268bd762932d0582ce999df3720bc7df18a9c3c546cd64489";
    static final String SIGNATURE = "7e81454f9dacb4f4c10ca6330778ce9a51c59d6814b7976cc4b14b04ee154f38";

    @Test
    void theDerivedKeyIsPbkdf2HmacSha256WithTheCallerSaltedPassword() {
        assertThat(HexFormat.of().formatHex(SigningKeys.derive(PASSWORD, CALLER))).isEqualTo(DERIVED_KEY);
    }

    @Test
    void theCanonicalStringIsSixFieldsJoinedByNewlines() {
        assertThat(RequestSignatures.canonicalString(TOPIC, MODEL, CALLER, CORRELATION, Long.toString(TIMESTAMP),
                VALUE)).isEqualTo(TOPIC + "\n" + MODEL + "\n" + CALLER + "\n" + CORRELATION + "\n" + TIMESTAMP + "\n"
                        + VALUE_SHA256);
    }

    @Test
    void theSignatureIsTheLowerCaseHexHmacOfTheCanonicalString() {
        byte[] key = HexFormat.of().parseHex(DERIVED_KEY);
        assertThat(RequestSignatures.sign(key, TOPIC, MODEL, CALLER, CORRELATION, Long.toString(TIMESTAMP), VALUE))
                .isEqualTo(SIGNATURE);
    }

    @Test
    void aNonAsciiPasswordIsEncodedAsUtf8AndANullKeyAndValueSignAsEmpty() {
        byte[] key = SigningKeys.derive("pässwörd-ünïcode-\uD83D\uDD11", "user-bob@external");
        assertThat(HexFormat.of().formatHex(key))
                .isEqualTo("2982a93ccbbefa339942fd1522cd6a2ee1d8602ecca63a08c485af6fb35ca46d");
        assertThat(RequestSignatures.sign(key, "t", null, "user-bob@external", "c", "1", null))
                .isEqualTo("5e60f22061b356dc522a8eea709d6dcd3360f27f7276c71364a5a5c4e8f702b4")
                .isEqualTo(RequestSignatures.sign(key, "t", "", "user-bob@external", "c", "1", new byte[0]));
    }

    @Test
    void anEmptyPasswordCannotDeriveAKey() {
        assertThatThrownBy(() -> SigningKeys.derive("", CALLER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKeys.derive(PASSWORD, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSignerSetsTheFourHeadersAndKeepsOthers() {
        RequestSigner signer = new RequestSigner(CALLER, HexFormat.of().parseHex(DERIVED_KEY));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, MODEL, VALUE);
        record.headers().add(FerryHeaders.REPLY_TO, "elsewhere".getBytes(StandardCharsets.UTF_8));
        record.headers().add(FerryHeaders.SIGNATURE, "stale".getBytes(StandardCharsets.UTF_8));

        ProducerRecord<String, byte[]> signed = signer.sign(record, CORRELATION, TIMESTAMP);

        assertThat(signed.topic()).isEqualTo(TOPIC);
        assertThat(signed.key()).isEqualTo(MODEL);
        assertThat(signed.value()).isEqualTo(VALUE);
        assertThat(signed.headers().headers(FerryHeaders.SIGNATURE)).hasSize(1);
        assertThat(SignatureHeaders.from(signed.headers()))
                .isEqualTo(new SignatureHeaders(CALLER, CORRELATION, Long.toString(TIMESTAMP), SIGNATURE));
        assertThat(FerryHeaders.lastValue(signed.headers(), FerryHeaders.REPLY_TO)).isEqualTo("elsewhere");
    }

    @Test
    void aSignerWithAPasswordSignsLikeOneWithTheDerivedKey() {
        RequestSigner signer = RequestSigner.withPassword(CALLER, PASSWORD);
        assertThat(signer.callerTag()).isEqualTo(CALLER);
        assertThat(signer.signature(TOPIC, MODEL, CORRELATION, TIMESTAMP, VALUE)).isEqualTo(SIGNATURE);
        ProducerRecord<String, byte[]> fresh = signer.sign(new ProducerRecord<>(TOPIC, MODEL, VALUE));
        SignatureHeaders headers = SignatureHeaders.from(fresh.headers());
        assertThat(java.util.UUID.fromString(headers.correlationId())).isNotNull();
        assertThat(Long.parseLong(headers.timestamp())).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(60_000L));
    }
}
