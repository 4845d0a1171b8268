package dev.ferry.rpc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import dev.ferry.rpc.tag.Tag;

/** Given README.md's worked example, every derived value in it is what the Java signer computes from its inputs. */
class ReadmeSigningExampleTest {

    @Test
    void theWorkedExampleMatchesTheCode() throws Exception {
        ReadmeSigningExample example = ReadmeSigningExample.load();
        byte[] value = example.get("value").getBytes(StandardCharsets.UTF_8);

        assertThat(example.get("value-sha256")).isEqualTo(RequestSignatures.sha256Hex(value));
        byte[] key = SigningKeys.derive(example.get("password"), example.get("caller"));
        assertThat(example.get("derived-key")).isEqualTo(HexFormat.of().formatHex(key));
        String canonical = RequestSignatures.canonicalString(example.get("topic"), example.get("key"),
                example.get("caller"), example.get("correlation-id"), example.get("timestamp"), value);
        assertThat(String.join("\n", example.canonicalLines())).isEqualTo(canonical);
        assertThat(example.canonicalLines()).hasSize(6);
        assertThat(example.get("signature")).isEqualTo(RequestSignatures.signatureHex(key, canonical));
    }

    @Test
    void theWorkedExampleUsesTheContractsTopicAModelKeyAndAMachineCaller() throws Exception {
        ReadmeSigningExample example = ReadmeSigningExample.load();
        assertThat(example.get("topic")).isEqualTo(FerryHeaders.DEFAULT_REQUESTS_TOPIC);
        assertThat(Tag.parseModel("model-" + example.get("key")).uuid()).isEqualTo(example.get("key"));
        assertThat(Tag.parseMachine(example.get("caller")).toString()).isEqualTo("machine-0");
        assertThat(example.values().keySet()).containsExactly("topic", "key", "caller", "password",
                "correlation-id", "timestamp", "value", "value-sha256", "derived-key", "signature");
    }

    @Test
    void theWorkedExampleIsTheKnownAnswerOfTheSigningTests() throws Exception {
        ReadmeSigningExample example = ReadmeSigningExample.load();
        assertThat(example.get("derived-key")).isEqualTo(RequestSigningTest.DERIVED_KEY);
        assertThat(example.get("signature")).isEqualTo(RequestSigningTest.SIGNATURE);
    }
}
