package dev.ferry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.auth.ReadmeSigningExample;
import dev.ferry.rpc.auth.RequestSignatures;
import dev.ferry.rpc.auth.SigningKeys;

/**
 * Given {@code kafka/send-request.sh --print-signature} (openssl only, no broker), the shell script builds the same
 * request bytes, derives the same key and computes the same signature as the Java signer.
 */
class SendRequestScriptTest {

    @BeforeAll
    static void needsOpenssl() {
        Assumptions.assumeTrue(onPath("openssl"), "openssl is needed");
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "caller {0}")
    @CsvSource(delimiter = '|', textBlock = """
            machine-0         | correct-horse-battery-staple         | Provisioner | 11 | Life  | {"entities":[{"tag":"machine-0"}]}
            user-bob@external | pässwörd with spaces, "quotes" & $x  | MigrationTarget | 3 | Prechecks | {"uuid":"x","a":[1,2.5,null,true]}
            machine-1-lxd-2   | 'p%s%n\\n-dash'                     | InstanceMutater | 3 | CharmProfilingInfo | {}
            """)
    void theScriptSignsExactlyAsJava(String caller, String password, String facade, String version, String method,
            String params) throws Exception {
        String correlationId = "0b8f6a2e-3c41-4d7a-9e55-6f1a2b3c4d5e";
        String timestamp = "1767225600000";
        String model = "7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15";
        Map<String, String> script = run(Map.of("FERRY_CORRELATION_ID", correlationId, "FERRY_TIMESTAMP", timestamp,
                "FERRY_REQUEST_ID", "42"), "x", model, caller, password, facade, version, method, params);

        ObjectMapper mapper = new ObjectMapper();
        byte[] javaValue = mapper.writeValueAsBytes(
                new RpcRequest(42, facade, Integer.parseInt(version), method, mapper.readTree(params)));
        assertThat(script.get("value")).isEqualTo(new String(javaValue, StandardCharsets.UTF_8));
        assertThat(script.get("value-sha256")).isEqualTo(RequestSignatures.sha256Hex(javaValue));
        byte[] key = SigningKeys.derive(password, caller);
        assertThat(script.get("derived-key")).isEqualTo(HexFormat.of().formatHex(key));
        assertThat(script.get("signature")).isEqualTo(RequestSignatures.sign(key, "juju.rpc.requests", model,
                caller, correlationId, timestamp, javaValue));
    }

    @Test
    void withoutFixedValuesTheScriptMakesAFreshUuidAndTakesTheTime() throws Exception {
        long before = System.currentTimeMillis();
        Map<String, String> first = run(Map.of(), "x", "m", "machine-0", "pw", "A", "1", "B", "{}");
        Map<String, String> second = run(Map.of(), "x", "m", "machine-0", "pw", "A", "1", "B", "{}");
        assertThat(first.get("correlation-id"))
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
                .isNotEqualTo(second.get("correlation-id"));
        assertThat(Long.parseLong(first.get("timestamp"))).isBetween(before - 1_000, System.currentTimeMillis());
    }

    @Test
    void theScriptReproducesTheReadmesWorkedExample() throws Exception {
        ReadmeSigningExample example = ReadmeSigningExample.load();
        JsonNode value = new ObjectMapper().readTree(example.get("value"));
        Map<String, String> script = run(Map.of("FERRY_CORRELATION_ID", example.get("correlation-id"),
                "FERRY_TIMESTAMP", example.get("timestamp"), "FERRY_REQUEST_ID", value.get("request-id").asText(),
                "FERRY_REQUESTS_TOPIC", example.get("topic")), "-", example.get("key"), example.get("caller"),
                example.get("password"), value.get("type").asText(), value.get("version").asText(),
                value.get("request").asText(), value.get("params").toString());
        for (String name : new String[] { "value", "value-sha256", "derived-key", "topic", "key", "caller",
                "correlation-id", "timestamp", "signature" }) {
            assertThat(script.get(name)).as(name).isEqualTo(example.get(name));
        }
    }

    /** Runs the script with --print-signature and returns its "name: value" lines. */
    static Map<String, String> run(Map<String, String> env, String... args) throws Exception {
        String[] command = new String[args.length + 3];
        command[0] = "bash";
        command[1] = "kafka/send-request.sh";
        command[2] = "--print-signature";
        System.arraycopy(args, 0, command, 3, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                values.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return values;
    }
}
