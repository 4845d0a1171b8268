package dev.ferry.rpc;

import static dev.ferry.rpc.JujuWorld.WAIT;
import static dev.ferry.rpc.JujuWorld.assertPerm;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
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
 * Provisioner v11 over Kafka against the real broker and database: routing, Juju's errors, per-entity auth and
 * the first methods (ModelUUID, Life, SetPasswords), all through signed requests.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisionerRpcTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    JujuWorld world;
    FerryClient controller;

    @BeforeAll
    void givenAModelWithMachinesAndContainers() {
        world = new JujuWorld(bootstrapServers).withModel().withMachines("0", "1", "2", "1/lxd/0", "1/lxd/0/lxd/0");
        controller = world.controller();
    }

    @AfterAll
    void close() {
        world.close();
    }

    private static Map<String, Object> entities(String... tags) {
        return Map.of("entities", java.util.Arrays.stream(tags).map(t -> Map.of("tag", t)).toList());
    }

    @Test
    void modelUuidAnswersTheModelOfTheRecordKey() {
        RpcResponse answer = world.call(controller, "ModelUUID", null);
        assertThat(answer.isError()).as(String.valueOf(answer.error())).isFalse();
        assertThat(answer.response().path("result").asText()).isEqualTo(world.model);
    }

    @Test
    void lifeForTheControllerFollowsJujusRules() {
        RpcResponse answer = world.call(controller, "Life",
                entities("machine-0", "machine-42", "machine-1-lxd-0", "unit-foo-0", "application-bar", "not-a-tag"));
        JsonNode results = answer.response().path("results");
        assertThat(results).hasSize(6);
        assertThat(results.get(0).path("life").asText()).isEqualTo("alive");
        assertThat(results.get(0).has("error")).isFalse();
        assertThat(results.get(1).path("error").path("message").asText()).isEqualTo("machine 42 not found");
        assertThat(results.get(1).path("error").path("code").asText()).isEqualTo("not found");
        assertPerm(results.get(2).path("error"));
        assertPerm(results.get(3).path("error"));
        assertPerm(results.get(4).path("error"));
        assertPerm(results.get(5).path("error"));
    }

    @Test
    void aMachineAgentReachesOnlyItselfAndItsOwnContainers() throws Exception {
        FerryClient machine1 = machineAgent("1");
        RpcResponse answer = world.call(machine1, "Life", entities("machine-0", "machine-1", "machine-42",
                "machine-1-lxd-0", "machine-1-lxd-99", "machine-1-lxd-0-lxd-0", "machine-2"));
        JsonNode results = answer.response().path("results");
        assertPerm(results.get(0).path("error"));
        assertThat(results.get(1).path("life").asText()).isEqualTo("alive");
        assertPerm(results.get(2).path("error"));
        assertThat(results.get(3).path("life").asText()).isEqualTo("alive");
        assertThat(results.get(4).path("error").path("message").asText()).isEqualTo("machine 1/lxd/99 not found");
        assertPerm(results.get(5).path("error"));
        assertPerm(results.get(6).path("error"));
    }

    @Test
    void setPasswordsChecksEachEntryAndTheNewPasswordSignsRequests() {
        String password = "machine-2-agent-password-" + UUID.randomUUID();
        RpcResponse answer = world.call(controller, "SetPasswords", Map.of("changes", List.of(
                Map.of("tag", "machine-2", "password", password),
                Map.of("tag", "machine-42", "password", "long-enough-password-xyz"),
                Map.of("tag", "machine-1", "password", "short"),
                Map.of("tag", "machine-1-lxd-0", "password", "long-enough-password-xyz"))));
        JsonNode results = answer.response().path("results");
        assertThat(results.get(0).has("error")).as(results.toString()).isFalse();
        assertThat(results.get(1).path("error").path("message").asText()).isEqualTo("machine 42 not found");
        assertThat(results.get(2).path("error").path("message").asText())
                .isEqualTo("password is only 5 bytes long, and is not a valid Agent password");
        assertPerm(results.get(3).path("error"));

        FerryClient machine2 = world.client("machine-2", password);
        RpcResponse own = world.call(machine2, "Life", entities("machine-2"));
        assertThat(own.isError()).as(String.valueOf(own.error())).isFalse();
        assertThat(own.response().path("results").get(0).path("life").asText()).isEqualTo("alive");
    }

    @Test
    void aShortPasswordOfAnExistingMachineIsRefusedAfterTheLookup() {
        RpcResponse answer = world.call(controller, "SetPasswords",
                Map.of("changes", List.of(Map.of("tag", "machine-0", "password", "four"))));
        assertThat(answer.response().path("results").get(0).path("error").path("message").asText())
                .isEqualTo("password is only 4 bytes long, and is not a valid Agent password");
    }

    @Test
    void unknownFacadeVersionAndMethodAreNotImplemented() {
        RpcResponse facade = controller.call(world.model, "NoSuchFacade", 1, "Ping", null).await().atMost(WAIT);
        assertThat(facade.errorCode()).isEqualTo("not implemented");
        assertThat(facade.error()).isEqualTo("unknown object type \"NoSuchFacade\"");
        RpcResponse version = controller.call(world.model, "Provisioner", 99, "Life", null).await().atMost(WAIT);
        assertThat(version.errorCode()).isEqualTo("not implemented");
        assertThat(version.error()).isEqualTo("unknown version (99) of interface \"Provisioner\"");
        RpcResponse method = controller.call(world.model, "Provisioner", 11, "Bogus", null).await().atMost(WAIT);
        assertThat(method.errorCode()).isEqualTo("not implemented");
        assertThat(method.error()).isEqualTo("no such request - method Provisioner(11).Bogus is not implemented");
    }

    @Test
    void paramsOfTheWrongShapeAreABadRequestNamingTheField() {
        RpcResponse wrongType = world.call(controller, "Life", Map.of("entities", List.of(Map.of("tag", 7))));
        assertThat(wrongType.errorCode()).isEqualTo("bad request");
        assertThat(wrongType.error()).contains("entities[0].tag").contains("must be a string");
        RpcResponse missing = world.call(controller, "Life", Map.of("things", List.of()));
        assertThat(missing.errorCode()).isEqualTo("bad request");
        assertThat(missing.error()).isEqualTo("missing field \"entities\"");
        RpcResponse notAnArray = world.call(controller, "Life", Map.of("entities", "machine-0"));
        assertThat(notAnArray.error()).contains("\"entities\" must be an array");
    }

    @Test
    void malformedJsonAndAMissingEnvelopeFieldAreBadRequests() {
        RpcResponse malformed = signedRaw(controller, world.model, "{\"request-id\": 5, \"type\": ");
        assertThat(malformed.errorCode()).isEqualTo("bad request");
        assertThat(malformed.error()).as("what and where, on one line")
                .matches("malformed JSON: Unexpected end-of-input [^\n]* \\(line 1, column \\d+\\)");
        RpcResponse noType = signedRaw(controller, world.model, "{\"request-id\":6,\"version\":11,\"request\":\"Life\"}");
        assertThat(noType.requestId()).isEqualTo(6);
        assertThat(noType.errorCode()).isEqualTo("bad request");
        assertThat(noType.error()).isEqualTo("missing field \"type\"");
        RpcResponse badVersion = signedRaw(controller, world.model,
                "{\"request-id\":7,\"type\":\"Provisioner\",\"version\":\"eleven\",\"request\":\"Life\"}");
        assertThat(badVersion.error()).isEqualTo("field \"version\" must be an integer");
    }

    @Test
    void aCallerOutsideTheFacadesAvailableToIsRefused() {
        FerryClient admin = world.client(JujuWorld.ADMIN, JujuWorld.ADMIN_PASSWORD);
        RpcResponse answer = world.call(admin, "Life", entities("machine-0"));
        assertThat(answer.errorCode()).isEqualTo("unauthorized access");
        assertThat(answer.error()).isEqualTo("permission denied");
    }

    @Test
    void badSignatureUnknownCallerAndExpiredTimestampAreUnauthorizedAndChangeNothing() {
        FerryClient impostor = world.client("machine-0", "not-the-controller-password-at-all");
        RpcResponse badSignature = world.call(impostor, "SetPasswords",
                Map.of("changes", List.of(Map.of("tag", "machine-1", "password", "impostor-password-12345"))));
        assertThat(badSignature.errorCode()).isEqualTo("unauthorized access");
        assertThat(badSignature.error()).doesNotContain("not-the-controller-password");

        FerryClient stranger = world.client("machine-77", "some-password-nobody-set-123");
        assertThat(world.call(stranger, "ModelUUID", null).errorCode()).isEqualTo("unauthorized access");

        ProducerRecord<String, byte[]> old = controller.signer().sign(
                controller.request(world.model, "Provisioner", 11, "ModelUUID", null), UUID.randomUUID().toString(),
                System.currentTimeMillis() - 600_000);
        RpcResponse expired = controller.send(old).await().atMost(WAIT);
        assertThat(expired.errorCode()).isEqualTo("unauthorized access");
        assertThat(expired.error()).contains("ferry-timestamp").contains("behind the server clock");

        // The impostor's SetPasswords changed nothing: machine-1 still cannot sign with the impostor's password.
        FerryClient machine1 = world.client("machine-1", "impostor-password-12345");
        assertThat(world.call(machine1, "ModelUUID", null).errorCode()).isEqualTo("unauthorized access");
    }

    @Test
    void aNullEntryFailsThatEntryAloneAsGoDecodesItToAnEmptyTag() {
        RpcResponse life = world.call(controller, "Life", Map.of("entities",
                java.util.Arrays.asList(Map.of("tag", "machine-1"), null)));
        assertThat(life.isError()).as(String.valueOf(life.error())).isFalse();
        assertThat(life.response().path("results").get(0).path("life").asText()).isEqualTo("alive");
        JujuWorld.assertPerm(life.response().path("results").get(1).path("error"));

        RpcResponse passwords = world.call(controller, "SetPasswords", Map.of("changes",
                java.util.Arrays.asList((Object) null)));
        assertThat(passwords.isError()).as(String.valueOf(passwords.error())).isFalse();
        JujuWorld.assertPerm(passwords.response().path("results").get(0).path("error"));
    }

    @Test
    void aRecordKeyThatIsNotAModelUuidIsABadRequest() {
        RpcResponse answer = controller.call("not-a-model", "Provisioner", 11, "ModelUUID", null).await().atMost(WAIT);
        assertThat(answer.errorCode()).isEqualTo("bad request");
        assertThat(answer.error()).contains("model UUID");
        RpcResponse none = signedRaw(controller, null, "{\"request-id\":1,\"type\":\"Provisioner\",\"version\":11,"
                + "\"request\":\"ModelUUID\"}");
        assertThat(none.error()).isEqualTo("record key must be a model UUID, the record has none");
    }

    @Test
    void anUnknownModelIsNotFound() {
        // ModelUUID fails in its result, as Juju's does: the call itself succeeds.
        RpcResponse answer = controller.call(UUID.randomUUID().toString(), "Provisioner", 11, "ModelUUID", null)
                .await().atMost(WAIT);
        assertThat(answer.isError()).isFalse();
        assertThat(answer.response().path("result").asText("absent")).isEmpty();
        assertThat(answer.response().path("error").path("code").asText()).isEqualTo("not found");
        assertThat(answer.response().path("error").path("message").asText()).startsWith("model \"");

        // SetPasswords looks the model up together with the machines it names: still not found, nothing stored.
        RpcResponse passwords = controller.call(UUID.randomUUID().toString(), "Provisioner", 11, "SetPasswords",
                Map.of("changes", List.of(Map.of("tag", "machine-0", "password", "a-password-of-enough-length"))))
                .await().atMost(WAIT);
        assertThat(passwords.errorCode()).isEqualTo("not found");
        assertThat(passwords.error()).startsWith("model \"");
    }

    private FerryClient machineAgent(String id) throws Exception {
        String tag = "machine-" + id;
        String password = tag + "-password-" + UUID.randomUUID();
        RpcResponse set = world.call(controller, "SetPasswords",
                Map.of("changes", List.of(Map.of("tag", tag, "password", password))));
        assertThat(set.response().path("results").get(0).has("error")).as(set.response().toString()).isFalse();
        return world.client(tag, password);
    }

    static RpcResponse signedRaw(FerryClient client, String model, String value) {
        ProducerRecord<String, byte[]> record = client.signer().sign(
                client.record(model, value.getBytes(StandardCharsets.UTF_8)), UUID.randomUUID().toString(),
                System.currentTimeMillis());
        return client.send(record).await().atMost(WAIT);
    }
}
