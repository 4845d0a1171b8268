package dev.ferry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.auth.FerryHeaders;
import dev.ferry.rpc.auth.KeyLookup;
import dev.ferry.rpc.auth.SigningKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/**
 * Given the embedded broker and a fake responder on test-only topics (Ferry itself answers the real ones), the
 * client matches responses to calls, times out, carries many calls at once, and lets tests craft bad records.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FerryClientTest {

    private static final String CALLER = "machine-0";
    private static final String PASSWORD = "machine-0-password-abcdef";
    private static final String MODEL = "7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final ObjectMapper mapper = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private String requestsTopic;
    private String responsesTopic;
    private EchoResponder responder;
    private FerryClient client;

    @BeforeAll
    void startResponderAndClient() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        requestsTopic = "ferry.test.requests." + suffix;
        responsesTopic = "ferry.test.responses." + suffix;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(requestsTopic, 3, (short) 1),
                    new NewTopic(responsesTopic, 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        responder = new EchoResponder(bootstrapServers, requestsTopic,
                KeyLookup.of(Map.of(CALLER, SigningKeys.derive(PASSWORD, CALLER))));
        client = newClient(CALLER, Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() throws InterruptedException {
        client.close();
        responder.close();
    }

    private FerryClient newClient(String caller, Duration timeout) {
        return FerryClient.builder().bootstrapServers(bootstrapServers).callerTag(caller).password(PASSWORD)
                .requestsTopic(requestsTopic).responsesTopic(responsesTopic).timeout(timeout).build();
    }

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    @Test
    void givenACall_whenTheResponderAnswers_thenTheResponseIsTheOneForThatRequest() throws Exception {
        RpcResponse response = client.call(MODEL, "Provisioner", 11, "Life",
                Map.of("entities", List.of(Map.of("tag", "machine-0")))).await().atMost(WAIT);

        assertThat(response.isError()).isFalse();
        assertThat(response.error()).isNull();
        assertThat(UUID.fromString(response.correlationId())).isNotNull();
        ((com.fasterxml.jackson.databind.node.ObjectNode) response.response()).remove("partition");
        assertThat(response.response()).isEqualTo(json("{\"caller\":\"machine-0\",\"model\":\"" + MODEL
                + "\",\"type\":\"Provisioner\",\"version\":11,\"request\":\"Life\","
                + "\"params\":{\"entities\":[{\"tag\":\"machine-0\"}]}}"));
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void givenAHandBuiltRequest_thenItCarriesJujusFieldsAndTheResponseEchoesItsRequestId() throws Exception {
        ProducerRecord<String, byte[]> request = client.request(MODEL, "Provisioner", 11, "Life", json("{\"a\":[1]}"));
        JsonNode body = json(new String(request.value(), StandardCharsets.UTF_8));
        assertThat(body.fieldNames()).toIterable().containsExactly("request-id", "type", "version", "request",
                "params");
        assertThat(request.topic()).isEqualTo(requestsTopic);
        assertThat(request.key()).isEqualTo(MODEL);
        assertThat(FerryHeaders.lastValue(request.headers(), FerryHeaders.REPLY_TO)).isEqualTo(responsesTopic);

        ProducerRecord<String, byte[]> signed = client.signer().sign(request);
        RpcResponse response = client.send(signed).await().atMost(WAIT);

        assertThat(response.requestId()).isEqualTo(body.get("request-id").asLong());
        assertThat(response.correlationId())
                .isEqualTo(FerryHeaders.lastValue(signed.headers(), FerryHeaders.CORRELATION_ID));
        assertThat(response.response().get("params")).isEqualTo(json("{\"a\":[1]}"));
    }

    @Test
    void givenNullParams_thenAnEmptyObjectIsSent() throws Exception {
        RpcResponse response = client.call(MODEL, "Provisioner", 11, "Life", null).await().atMost(WAIT);
        assertThat(response.response().get("params")).isEqualTo(json("{}"));
    }

    @Test
    void given500CallsInFlight_thenEachGetsItsOwnResponse() {
        List<String> models = IntStream.range(0, 10).mapToObj(i -> UUID.randomUUID().toString()).toList();
        List<Uni<RpcResponse>> calls = IntStream.range(0, 500)
                .mapToObj(i -> client.call(models.get(i % models.size()), "Echo", 1, "Ping", Map.of("index", i)))
                .toList();

        List<RpcResponse> responses = Uni.join().all(calls).andFailFast().await().atMost(WAIT);

        assertThat(responses).hasSize(500);
        for (int i = 0; i < responses.size(); i++) {
            RpcResponse response = responses.get(i);
            assertThat(response.isError()).as("response %d: %s", i, response.error()).isFalse();
            assertThat(response.response().path("params").path("index").asInt()).isEqualTo(i);
            assertThat(response.response().path("model").asText()).isEqualTo(models.get(i % models.size()));
        }
        Set<String> correlationIds = responses.stream().map(RpcResponse::correlationId).collect(Collectors.toSet());
        assertThat(correlationIds).hasSize(500);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void givenNoResponse_thenTheCallTimesOutAndIsForgotten() {
        try (FerryClient quick = newClient(CALLER, Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> quick.call(MODEL, "Echo", 1, "Ignore", Map.of()).await().atMost(WAIT))
                    .isInstanceOf(RpcTimeoutException.class).hasMessageContaining("within 1000 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(quick.pendingCalls()).isZero();
            // The client still works after a timeout.
            assertThat(quick.call(MODEL, "Echo", 1, "Ping", Map.of()).await().atMost(WAIT).isError()).isFalse();
        }
    }

    @Test
    void givenATamperedSignature_thenTheResponderRefusesItAndTheClientDeliversTheError() {
        ProducerRecord<String, byte[]> signed = client.signer().sign(client.request(MODEL, "Echo", 1, "Ping", null));
        signed.headers().remove(FerryHeaders.SIGNATURE);
        signed.headers().add(FerryHeaders.SIGNATURE, "0".repeat(64).getBytes(StandardCharsets.UTF_8));

        RpcResponse response = client.send(signed).await().atMost(WAIT);

        assertThat(response.isError()).isTrue();
        assertThat(response.errorCode()).isEqualTo("unauthorized access");
        assertThat(response.error()).isEqualTo("bad signature from \"machine-0\"");
        assertThat(response.errorInfo().path("reason").asText()).isEqualTo("BAD_SIGNATURE");
        assertThat(response.response()).isNull();
    }

    @Test
    void givenAnExpiredTimestamp_thenTheResponderRefusesIt() {
        ProducerRecord<String, byte[]> stale = client.signer().sign(client.request(MODEL, "Echo", 1, "Ping", null),
                UUID.randomUUID().toString(), System.currentTimeMillis() - Duration.ofMinutes(10).toMillis());

        RpcResponse response = client.send(stale).await().atMost(WAIT);

        assertThat(response.errorCode()).isEqualTo("unauthorized access");
        assertThat(response.error()).contains("behind the server clock");
    }

    @Test
    void givenAnUnknownCaller_thenTheResponderRefusesIt() {
        try (FerryClient stranger = newClient("machine-9", Duration.ofSeconds(30))) {
            RpcResponse response = stranger.call(MODEL, "Echo", 1, "Ping", null).await().atMost(WAIT);
            assertThat(response.error()).isEqualTo("unknown caller \"machine-9\"");
        }
    }

    @Test
    void givenMalformedJson_thenTheResponseIsABadRequest() {
        ProducerRecord<String, byte[]> malformed = client.signer()
                .sign(client.record(MODEL, "{\"request-id\": 1, oops".getBytes(StandardCharsets.UTF_8)));

        RpcResponse response = client.send(malformed).await().atMost(WAIT);

        assertThat(response.errorCode()).isEqualTo("bad request");
        assertThat(response.requestId()).isZero();
    }

    @Test
    void givenAReplayOfTheSameRecord_thenEachSendWaitsForAResponseOfItsOwn() {
        ProducerRecord<String, byte[]> signed = client.signer().sign(client.request(MODEL, "Echo", 1, "Ping", null));
        String correlationId = FerryHeaders.lastValue(signed.headers(), FerryHeaders.CORRELATION_ID);

        RpcResponse first = client.send(signed).await().atMost(WAIT);
        List<RpcResponse> replays = Uni.join().all(client.send(signed), client.send(signed)).andFailFast()
                .await().atMost(WAIT);

        assertThat(first.correlationId()).isEqualTo(correlationId);
        assertThat(replays).extracting(RpcResponse::correlationId).containsExactly(correlationId, correlationId);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void givenARecordWithoutCorrelationId_thenSendFailsAtOnce() {
        assertThatThrownBy(() -> client.send(client.record(MODEL, new byte[0])).await().atMost(WAIT))
                .isInstanceOf(FerryClientException.class).hasMessageContaining("ferry-correlation-id");
    }

    @Test
    void givenPendingCalls_whenTheClientCloses_thenTheyFail() {
        FerryClient closing = newClient(CALLER, Duration.ofMinutes(5));
        CompletableFuture<RpcResponse> pending = closing.call(MODEL, "Echo", 1, "Ignore", null).subscribeAsCompletionStage();
        await().atMost(WAIT).until(() -> closing.pendingCalls() == 1);

        closing.close();

        assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(FerryClientException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> closing.call(MODEL, "Echo", 1, "Ping", null).await().atMost(WAIT))
                .isInstanceOf(FerryClientException.class);
    }

    @Test
    void givenTheShellScript_whenItSendsARequest_thenItPrintsTheResponseFromTheSamePartitionAsJava()
            throws Exception {
        Assumptions.assumeTrue(SendRequestScriptTest.onPath("kcat") && SendRequestScriptTest.onPath("openssl"),
                "kcat and openssl are needed");
        String params = "{\"entities\":[{\"tag\":\"machine-0\"}]}";
        ProcessBuilder script = new ProcessBuilder("bash", "kafka/send-request.sh", bootstrapServers, MODEL, CALLER,
                PASSWORD, "Provisioner", "11", "Life", params);
        script.environment().put("FERRY_REQUESTS_TOPIC", requestsTopic);
        script.environment().put("FERRY_RESPONSES_TOPIC", responsesTopic);
        script.environment().put("FERRY_TIMEOUT", "30");
        Path stderr = Files.createTempFile("send-request", ".log");
        Process process = script.redirectError(stderr.toFile()).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("stderr: %s", Files.readString(stderr)).isZero();

        JsonNode response = json(stdout.strip());
        assertThat(response.path("error").isMissingNode()).as(stdout).isTrue();
        assertThat(response.path("response").path("caller").asText()).isEqualTo(CALLER);
        assertThat(response.path("response").path("params")).isEqualTo(json(params));
        int javaPartition = client.call(MODEL, "Echo", 1, "Ping", null).await().atMost(WAIT).response()
                .path("partition").asInt();
        assertThat(response.path("response").path("partition").asInt()).isEqualTo(javaPartition);
        Files.deleteIfExists(stderr);
    }
}
