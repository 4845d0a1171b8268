package dev.ferry.rpc;

import static dev.ferry.rpc.JujuWorld.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.client.FerryClient;
import dev.ferry.client.RpcResponse;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Redelivery, ordering and dead letters on the real broker: the same record twice has one effect and identical
 * responses; 1,000 requests for one model are answered in order; a record without correlation goes to the DLQ.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExactlyOnceRpcTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @jakarta.inject.Inject
    RpcRequestProcessor processor;
    @jakarta.inject.Inject
    org.hibernate.reactive.mutiny.Mutiny.SessionFactory sessions;
    @jakarta.inject.Inject
    RpcDispatcher dispatcher;
    @jakarta.inject.Inject
    CallerDirectory callers;
    @jakarta.inject.Inject
    dev.ferry.rpc.ledger.RequestLedger ledger;
    @jakarta.inject.Inject
    com.fasterxml.jackson.databind.ObjectMapper mapper;
    @jakarta.inject.Inject
    RpcConfig rpcConfig;
    @jakarta.inject.Inject
    AuthConfig authConfig;

    JujuWorld world;
    FerryClient controller;

    @BeforeAll
    void givenAModelWithMachines() {
        world = new JujuWorld(bootstrapServers).withModel().withMachines("0", "1");
        controller = world.controller();
    }

    @AfterAll
    void close() {
        world.close();
    }

    @Test
    void theSameRecordTwiceHasOneEffectAndIdenticalResponses() {
        ProducerRecord<String, byte[]> watch = controller.signer().sign(
                controller.request(world.model, "Provisioner", 11, "WatchModelMachines", null),
                UUID.randomUUID().toString(), System.currentTimeMillis());
        RpcResponse first = controller.send(watch).await().atMost(WAIT);
        RpcResponse second = controller.send(watch).await().atMost(WAIT);
        assertThat(first.isError()).as(String.valueOf(first.error())).isFalse();
        assertThat(second.response()).isEqualTo(first.response());
        assertThat(second.requestId()).isEqualTo(first.requestId());
        String watcherId = first.response().path("watcher-id").asText();
        assertThat(watcherId).isNotEmpty();

        // One effect: only one watcher exists, so a new machine is announced exactly once, to that watcher.
        try (KafkaConsumer<String, byte[]> changes = world.consumerAtEnd("juju.watcher.changes")) {
            world.event("machine", "added", Map.of("machine-id", "5"));
            List<JsonNode> seen = new ArrayList<>();
            Awaitility.await().atMost(WAIT).until(() -> {
                changes.poll(Duration.ofMillis(200)).forEach(r -> seen.add(JujuWorld.json(r.value())));
                return seen.stream().anyMatch(c -> c.path("watcher-id").asText().equals(watcherId));
            });
            List<JsonNode> mine = seen.stream().filter(c -> c.path("changes").toString().contains("\"5\"")).toList();
            assertThat(mine).hasSize(1);
            assertThat(mine.get(0).path("watcher-id").asText()).isEqualTo(watcherId);
            assertThat(mine.get(0).path("type").asText()).isEqualTo("StringsWatcher");
        }
    }

    @Test
    void anAgentSettingItsOwnPasswordGetsTheSameAnswerWhenItsRecordComesAgain() {
        String first = "machine-1-first-password-" + UUID.randomUUID();
        assertThat(world.call(controller, "SetPasswords", Map.of("changes",
                List.of(Map.of("tag", "machine-1", "password", first)))).response().path("results").get(0).isEmpty())
                .isTrue();
        FerryClient machine1 = world.client("machine-1", first);
        ProducerRecord<String, byte[]> ownChange = machine1.signer().sign(machine1.request(world.model, "Provisioner",
                11, "SetPasswords", Map.of("changes", List.of(Map.of("tag", "machine-1", "password",
                        "machine-1-second-password-" + UUID.randomUUID())))),
                UUID.randomUUID().toString(), System.currentTimeMillis());

        RpcResponse answer = machine1.send(ownChange).await().atMost(WAIT);
        // Signed with the password this very request replaced: the same record again is still the same request.
        RpcResponse again = machine1.send(ownChange).await().atMost(WAIT);

        assertThat(answer.isError()).as(String.valueOf(answer.error())).isFalse();
        assertThat(answer.response().path("results").get(0).isEmpty()).isTrue();
        assertThat(again.isError()).as(String.valueOf(again.error())).isFalse();
        assertThat(again.response()).isEqualTo(answer.response());
        // A new request under the old password is refused, so nothing but the very same record got through.
        RpcResponse stale = world.call(machine1, "Life", Map.of("entities", List.of(Map.of("tag", "machine-1"))));
        assertThat(stale.errorCode()).isEqualTo("unauthorized access");
    }

    @Test
    void aReplyTopicNotAllowedIsAnsweredOnTheDefaultTopicWhateverElseIsWrong() {
        ProducerRecord<String, byte[]> request = controller.request(world.model, "Provisioner", 11, "ModelUUID", null);
        request.headers().add("ferry-reply-to", "not-a-reply-topic".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> signed = controller.signer().sign(request, UUID.randomUUID().toString(),
                System.currentTimeMillis());
        RpcResponse answer = controller.send(signed).await().atMost(WAIT);
        RpcResponse again = controller.send(signed).await().atMost(WAIT);
        assertThat(answer.errorCode()).isEqualTo("bad request");
        assertThat(answer.error()).contains("ferry-reply-to");
        assertThat(again.error()).isEqualTo(answer.error());

        FerryClient impostor = world.client("machine-0", "not-the-controller-password-at-all");
        ProducerRecord<String, byte[]> forged = impostor.request(world.model, "Provisioner", 11, "ModelUUID", null);
        forged.headers().add("ferry-reply-to", "not-a-reply-topic".getBytes(StandardCharsets.UTF_8));
        RpcResponse refused = impostor.send(impostor.signer().sign(forged, UUID.randomUUID().toString(),
                System.currentTimeMillis())).await().atMost(WAIT);
        assertThat(refused.errorCode()).isEqualTo("unauthorized access");

        // A stale request too: the partition goes on, the next request is answered.
        ProducerRecord<String, byte[]> old = controller.request(world.model, "Provisioner", 11, "ModelUUID", null);
        old.headers().add("ferry-reply-to", "not-a-reply-topic".getBytes(StandardCharsets.UTF_8));
        RpcResponse stale = controller.send(controller.signer().sign(old, UUID.randomUUID().toString(),
                System.currentTimeMillis() - Duration.ofHours(1).toMillis())).await().atMost(WAIT);
        assertThat(stale.errorCode()).isEqualTo("unauthorized access");
        assertThat(world.call(controller, "ModelUUID", null).isError()).isFalse();
    }

    @Test
    void aSignedRecordWithNoValueIsAnsweredAsABadRequest() {
        ProducerRecord<String, byte[]> empty = controller.signer().sign(controller.record(world.model, null),
                UUID.randomUUID().toString(), System.currentTimeMillis());
        RpcResponse answer = controller.send(empty).await().atMost(WAIT);
        assertThat(answer.errorCode()).isEqualTo("bad request");
        assertThat(answer.error()).isEqualTo("request must be a JSON object");
        assertThat(answer.requestId()).isZero();
    }

    @Test
    void aCorrelationIdOrCallerTheLedgerCannotKeepIsAnsweredAtOnce() {
        ProducerRecord<String, byte[]> nul = controller.signer().sign(
                controller.request(world.model, "Provisioner", 11, "ModelUUID", null), "bad\u0000id",
                System.currentTimeMillis());
        RpcResponse answer = controller.send(nul).await().atMost(WAIT);
        assertThat(answer.errorCode()).isEqualTo("bad request");
        assertThat(answer.error()).contains("ferry-correlation-id").contains("control character");

        ProducerRecord<String, byte[]> long1 = controller.signer().sign(
                controller.request(world.model, "Provisioner", 11, "ModelUUID", null), "x".repeat(256),
                System.currentTimeMillis());
        assertThat(controller.send(long1).await().atMost(WAIT).errorCode()).isEqualTo("bad request");

        ProducerRecord<String, byte[]> caller = controller.signer().sign(
                controller.request(world.model, "Provisioner", 11, "ModelUUID", null));
        caller.headers().remove("ferry-caller");
        caller.headers().add("ferry-caller", "machine-0\u0000".getBytes(StandardCharsets.UTF_8));
        assertThat(controller.send(caller).await().atMost(WAIT).errorCode()).isEqualTo("unauthorized access");
    }

    @Test
    void aRequestThatCannotBeProcessedIsAnsweredWithAnInternalErrorRatherThanDeadLettered() {
        ProducerRecord<String, byte[]> request = controller.signer().sign(controller.record(world.model,
                "{\"request-id\":7,\"type\":\"Provisioner\",\"version\":11,\"request\":\"ModelUUID\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        ConsumerRecord<String, byte[]> consumed = new ConsumerRecord<>("juju.rpc.requests", 0, 0L, request.key(),
                request.value());
        request.headers().forEach(h -> consumed.headers().add(h));

        List<ProducerRecord<String, byte[]>> answer = processor.unprocessable(consumed, "a defect");

        assertThat(answer).singleElement().satisfies(response -> {
            assertThat(response.topic()).isEqualTo("juju.rpc.responses");
            assertThat(response.key()).isEqualTo(world.model);
            assertThat(response.headers().lastHeader("ferry-correlation-id").value())
                    .isEqualTo(request.headers().lastHeader("ferry-correlation-id").value());
            JsonNode body = JujuWorld.json(response.value());
            assertThat(body.path("request-id").asLong()).isEqualTo(7);
            assertThat(body.path("error").asText()).startsWith("internal error:");
            assertThat(body.has("error-code")).as("an empty code is omitted, as Juju omits it").isFalse();
        });
        ConsumerRecord<String, byte[]> uncorrelated = new ConsumerRecord<>("juju.rpc.requests", 0, 1L, world.model,
                request.value());
        assertThat(processor.unprocessable(uncorrelated, "a defect")).as("cannot be answered: dead-lettered")
                .isEmpty();
    }

    @Test
    void aThousandRequestsForOneModelAreAnsweredInOrder() throws Exception {
        int count = 1000;
        try (KafkaConsumer<String, byte[]> responses = world.consumerAtEnd("juju.rpc.responses")) {
            List<String> correlations = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String correlation = UUID.randomUUID().toString();
                correlations.add(correlation);
                ProducerRecord<String, byte[]> request = controller.signer().sign(controller.record(world.model,
                        ("{\"request-id\":" + i + ",\"type\":\"Provisioner\",\"version\":11,\"request\":\"Life\","
                                + "\"params\":{\"entities\":[{\"tag\":\"machine-" + (i % 2) + "\"}]}}")
                                .getBytes(StandardCharsets.UTF_8)),
                        correlation, System.currentTimeMillis());
                controller.produce(request).await().atMost(WAIT);
            }
            List<ConsumerRecord<String, byte[]>> mine = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> {
                responses.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (world.model.equals(r.key())) {
                        mine.add(r);
                    }
                });
                return mine.size() >= count;
            });
            assertThat(mine).hasSize(count);
            for (int i = 0; i < count; i++) {
                JsonNode body = JujuWorld.json(mine.get(i).value());
                assertThat(body.path("request-id").asLong()).isEqualTo(i);
                assertThat(new String(mine.get(i).headers().lastHeader("ferry-correlation-id").value(),
                        StandardCharsets.UTF_8)).isEqualTo(correlations.get(i));
                assertThat(body.path("response").path("results").get(0).path("life").asText()).isEqualTo("alive");
            }
        }
    }

    @Test
    void aRecordWithoutCorrelationIdGoesToTheDeadLetterTopicWithTheReason() throws Exception {
        try (KafkaConsumer<String, byte[]> dlq = world.consumerAtEnd("juju.rpc.requests.dlq")) {
            String marker = UUID.randomUUID().toString();
            controller.produce(new ProducerRecord<>("juju.rpc.requests", world.model,
                    ("{\"request-id\":1,\"marker\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8)))
                    .await().atMost(WAIT);
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            Awaitility.await().atMost(WAIT).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (new String(r.value(), StandardCharsets.UTF_8).contains(marker)) {
                        dead.add(r);
                    }
                });
                return !dead.isEmpty();
            });
            assertThat(new String(dead.get(0).headers().lastHeader("ferry-dlq-reason").value(), StandardCharsets.UTF_8))
                    .contains("ferry-correlation-id");
        }
    }

    @Test
    void aCorrelationIdUsedForAnotherCallIsRefusedWhileTheSameCallSentAgainGetsItsAnswer() {
        String correlation = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        ProducerRecord<String, byte[]> life = signed(correlation, now, "{\"request-id\":100,\"type\":\"Provisioner\","
                + "\"version\":11,\"request\":\"Life\",\"params\":{\"entities\":[{\"tag\":\"machine-1\"}]}}");
        // The same call from a client that re-signs its retry: another timestamp, request-id and key order.
        ProducerRecord<String, byte[]> lifeAgain = signed(correlation, now + 1, "{\"params\":{\"entities\":"
                + "[{\"tag\":\"machine-1\"}]},\"request\":\"Life\",\"version\":11,\"type\":\"Provisioner\","
                + "\"request-id\":300}");
        ProducerRecord<String, byte[]> other = signed(correlation, now + 2, "{\"request-id\":200,"
                + "\"type\":\"Provisioner\",\"version\":11,\"request\":\"SetPasswords\",\"params\":{\"changes\":"
                + "[{\"tag\":\"machine-1\",\"password\":\"" + "p".repeat(24) + "\"}]}}");
        try (KafkaConsumer<String, byte[]> responses = world.consumerAtEnd("juju.rpc.responses")) {
            // Together (most likely one batch), then again once the first is in the ledger.
            // Subscribed in order, each send queued before the next: one after another on the partition.
            io.smallrye.mutiny.Uni.join().all(List.of(life, lifeAgain, other).stream().map(controller::produce).toList())
                    .andFailFast().await().atMost(WAIT);
            List<JsonNode> together = responsesTo(responses, correlation, 3);
            for (ProducerRecord<String, byte[]> record : List.of(lifeAgain, other, life)) {
                controller.produce(record).await().atMost(WAIT);
            }
            List<JsonNode> later = responsesTo(responses, correlation, 3);

            JsonNode first = together.get(0);
            assertThat(first.path("request-id").asLong()).isEqualTo(100);
            assertThat(first.path("response").path("results").get(0).path("life").asText()).isEqualTo("alive");
            for (JsonNode sameCall : List.of(together.get(1), later.get(0))) {
                assertThat(sameCall.path("request-id").asLong()).isEqualTo(300);
                assertThat(sameCall.path("response")).isEqualTo(first.path("response"));
            }
            for (JsonNode refused : List.of(together.get(2), later.get(1))) {
                assertThat(refused.path("request-id").asLong()).isEqualTo(200);
                assertThat(refused.path("error-code").asText()).isEqualTo("bad request");
                assertThat(refused.path("error").asText()).contains(correlation).contains("another call");
            }
            assertThat(later.get(2)).as("the very record again: its answer").isEqualTo(first);
        }
        // The refused call changed nothing: machine 1 has no such password.
        FerryClient machine1 = world.client("machine-1", "p".repeat(24));
        assertThat(world.call(machine1, "Life", Map.of("entities", List.of(Map.of("tag", "machine-1")))).errorCode())
                .isEqualTo("unauthorized access");
    }

    @Test
    void aRequestLargerThanAllowedIsAnsweredAsABadRequestUnreadAndThePartitionGoesOn() {
        StringBuilder entities = new StringBuilder();
        while (entities.length() <= 1_100_000) {
            entities.append(entities.length() == 0 ? "" : ",").append("{\"tag\":\"machine-1\"}");
        }
        ProducerRecord<String, byte[]> huge = signed(UUID.randomUUID().toString(), System.currentTimeMillis(),
                "{\"request-id\":42,\"type\":\"Provisioner\",\"version\":11,\"request\":\"Life\",\"params\":"
                        + "{\"entities\":[" + entities + "]}}");

        RpcResponse answer;
        try (FerryClient large = FerryClient.builder().bootstrapServers(bootstrapServers)
                .callerTag("machine-0").password(JujuWorld.CONTROLLER_PASSWORD).timeout(WAIT)
                .property("max.request.size", 4 * 1024 * 1024).build()) {
            answer = large.send(huge).await().atMost(WAIT);
        }

        assertThat(answer.requestId()).isEqualTo(42);
        assertThat(answer.errorCode()).isEqualTo("bad request");
        assertThat(answer.error()).contains(huge.value().length + " bytes").contains("ferry.rpc.max-request-bytes");
        assertThat(world.call(controller, "ModelUUID", null).isError()).isFalse();
    }

    @Test
    void aCallWhoseAnswerIsTooLargeToPublishChangesNothingAndIsAnsweredWithAnError() throws Throwable {
        // The same processor with a 2,000-byte limit on responses, on the real database.
        RpcConfig small = (RpcConfig) java.lang.reflect.Proxy.newProxyInstance(RpcConfig.class.getClassLoader(),
                new Class<?>[] { RpcConfig.class }, (proxy, method, args) -> method.getName().equals("maxResponseBytes")
                        ? 2_000 : method.invoke(rpcConfig, args));
        RpcRequestProcessor limited = new RpcRequestProcessor(sessions, dispatcher, callers, ledger, mapper, small,
                authConfig, java.time.Clock.systemUTC(), "juju.rpc.requests");
        String password = "q".repeat(24);
        StringBuilder changes = new StringBuilder("{\"tag\":\"machine-1\",\"password\":\"" + password + "\"}");
        for (int i = 0; i < 60; i++) {
            changes.append(",{\"tag\":\"x").append(i).append("\",\"password\":\"y\"}");
        }
        ProducerRecord<String, byte[]> request = signed(UUID.randomUUID().toString(), System.currentTimeMillis(),
                "{\"request-id\":9,\"type\":\"Provisioner\",\"version\":11,\"request\":\"SetPasswords\",\"params\":"
                        + "{\"changes\":[" + changes + "]}}");
        List<JsonNode> answers = new ArrayList<>();
        for (int attempt = 0; attempt < 2; attempt++) {
            ProducerRecord<String, byte[]> output = process(limited, request);
            assertThat(output.topic()).isEqualTo("juju.rpc.responses");
            answers.add(JujuWorld.json(output.value()));
        }

        JsonNode answer = answers.get(0);
        assertThat(answer.path("request-id").asLong()).isEqualTo(9);
        assertThat(answer.path("error-code").asText()).isEqualTo("bad request");
        assertThat(answer.path("error").asText()).contains("ferry.rpc.max-response-bytes").contains("nothing was changed");
        assertThat(answers.get(1)).as("sent again: the stored answer").isEqualTo(answer);
        FerryClient machine1 = world.client("machine-1", password);
        assertThat(world.call(machine1, "Life", Map.of("entities", List.of(Map.of("tag", "machine-1")))).errorCode())
                .as("the password was not set").isEqualTo("unauthorized access");

        // An answer stored before (under a larger limit) is given again, not judged: its call was applied.
        String applied = UUID.randomUUID().toString();
        String body = "\"type\":\"Provisioner\",\"version\":11,\"request\":\"SetPasswords\",\"params\":"
                + "{\"changes\":[" + changes + "]}}";
        JsonNode stored = JujuWorld.json(process(processor, signed(applied, System.currentTimeMillis(),
                "{\"request-id\":1," + body)).value());
        JsonNode again = JujuWorld.json(process(limited, signed(applied, System.currentTimeMillis() + 1,
                "{\"request-id\":18446744073709551615," + body)).value());
        assertThat(stored.path("response").path("results")).hasSize(61);
        assertThat(again.path("request-id").asText()).isEqualTo("18446744073709551615");
        assertThat(again.path("response")).isEqualTo(stored.path("response"));
    }

    private static ProducerRecord<String, byte[]> process(RpcRequestProcessor processor,
            ProducerRecord<String, byte[]> request) throws Throwable {
        ConsumerRecord<String, byte[]> consumed = new ConsumerRecord<>("juju.rpc.requests", 0, 0L, request.key(),
                request.value());
        request.headers().forEach(consumed.headers()::add);
        List<ProducerRecord<String, byte[]>> output = io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(
                () -> processor.process(List.of(consumed)).ifNoItem().after(WAIT).fail());
        assertThat(output).singleElement();
        return output.get(0);
    }

    private ProducerRecord<String, byte[]> signed(String correlation, long timestamp, String value) {
        return controller.signer().sign(controller.record(world.model, value.getBytes(StandardCharsets.UTF_8)),
                correlation, timestamp);
    }

    private static List<JsonNode> responsesTo(KafkaConsumer<String, byte[]> responses, String correlation, int count) {
        List<JsonNode> mine = new ArrayList<>();
        Awaitility.await().atMost(WAIT).until(() -> {
            responses.poll(Duration.ofMillis(200)).forEach(r -> {
                var header = r.headers().lastHeader("ferry-correlation-id");
                if (header != null && correlation.equals(new String(header.value(), StandardCharsets.UTF_8))) {
                    mine.add(JujuWorld.json(r.value()));
                }
            });
            return mine.size() >= count;
        });
        assertThat(mine).hasSize(count);
        return mine;
    }
}
