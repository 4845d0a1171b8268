package dev.ferry.rpc;

import static dev.ferry.rpc.JujuWorld.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * Model events and watchers: a Watch call returns its initial changes, later machine events arrive coalesced on
 * {@code juju.watcher.changes}; events are applied once; bad events go to the DLQ with a reason; Stop ends a watcher.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelEventsAndWatchersTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    JujuWorld world;
    FerryClient controller;

    @BeforeAll
    void givenAModelWithTwoMachines() {
        world = new JujuWorld(bootstrapServers).withModel().withMachines("0", "1", "0/lxd/0");
        controller = world.controller();
    }

    @AfterAll
    void close() {
        world.close();
    }

    @Test
    void aWatcherGetsItsInitialMachinesThenLaterChangesAndStopEndsIt() {
        RpcResponse watch = world.call(controller, "WatchModelMachines", null);
        assertThat(watch.isError()).as(String.valueOf(watch.error())).isFalse();
        String watcherId = watch.response().path("watcher-id").asText();
        assertThat(watch.response().path("changes")).extracting(JsonNode::asText).containsExactly("0", "1");

        try (KafkaConsumer<String, byte[]> changes = world.consumerAtEnd("juju.watcher.changes")) {
            world.event("machine", "added", Map.of("machine-id", "7"));
            world.event("machine", "added", Map.of("machine-id", "7/lxd/3"));
            world.event("machine", "changed", Map.of("machine-id", "1", "life", "dying"));
            world.event("machine", "changed", Map.of("machine-id", "1", "instance-id", "i-1"));
            List<String> seen = new ArrayList<>();
            Awaitility.await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : changes.poll(Duration.ofMillis(200))) {
                    if (watcherId.equals(r.key())) {
                        JujuWorld.json(r.value()).path("changes").forEach(c -> seen.add(c.asText()));
                    }
                }
                return seen.contains("7") && seen.contains("1");
            });
            assertThat(seen).doesNotContain("7/lxd/3").containsOnly("7", "1");
            RpcResponse life = world.call(controller, "Life",
                    Map.of("entities", List.of(Map.of("tag", "machine-1"), Map.of("tag", "machine-7"))));
            assertThat(life.response().path("results").get(0).path("life").asText()).isEqualTo("dying");
            assertThat(life.response().path("results").get(1).path("life").asText()).isEqualTo("alive");
        }

        FerryClient admin = world.client(JujuWorld.ADMIN, JujuWorld.ADMIN_PASSWORD);
        RpcResponse notOwner = stopWatcher(admin, watcherId);
        assertThat(notOwner.errorCode()).isEqualTo("unauthorized access");
        RpcResponse noId = admin.call(world.model, "StringsWatcher", 1, "Stop", null).await().atMost(WAIT);
        assertThat(noId.errorCode()).isEqualTo("not found");
        assertThat(noId.error()).isEqualTo("unknown watcher id");
        JujuWorld other = new JujuWorld(bootstrapServers).withModel();
        try {
            RpcResponse elsewhere = stopWatcher(controller, other.model, watcherId);
            assertThat(elsewhere.error()).as("stopped through another model").isEqualTo("unknown watcher id");
        } finally {
            other.close();
        }
        RpcResponse stop = stopWatcher(controller, watcherId);
        assertThat(stop.isError()).as(String.valueOf(stop.error())).isFalse();
        RpcResponse again = stopWatcher(controller, watcherId);
        assertThat(again.errorCode()).isEqualTo("not found");
        assertThat(again.error()).isEqualTo("unknown watcher id");
    }

    @Test
    void watchersHearOnlyOfMachinesThatCameWentOrChangedTheirLife() {
        JujuWorld quiet = new JujuWorld(bootstrapServers).withModel().withMachines("0", "1", "2");
        try (KafkaConsumer<String, byte[]> changes = quiet.consumerAtEnd("juju.watcher.changes")) {
            String watcherId = quiet.call(quiet.controller(), "WatchModelMachines", null).response()
                    .path("watcher-id").asText();
            Map<String, Object> sameLife = Map.of("event-id", "e-" + UUID.randomUUID(), "model-uuid", quiet.model,
                    "kind", "machine", "action", "changed", "data", Map.of("machine-id", "0", "life", "alive"));
            quiet.publishEvent(sameLife);
            quiet.event("machine", "added", Map.of("machine-id", "0", "instance-id", "i-0"));
            quiet.event("machine", "changed", Map.of("machine-id", "0", "display-name", "zero"));
            quiet.event("machine", "removed", Map.of("machine-id", "55"));
            quiet.publishEvent(sameLife);
            quiet.event("machine", "changed", Map.of("machine-id", "1", "life", "dying"));
            quiet.event("machine", "removed", Map.of("machine-id", "2"));
            quiet.event("machine", "added", Map.of("machine-id", "9"));
            List<String> seen = new ArrayList<>();
            Awaitility.await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : changes.poll(Duration.ofMillis(200))) {
                    if (watcherId.equals(r.key())) {
                        JujuWorld.json(r.value()).path("changes").forEach(c -> seen.add(c.asText()));
                    }
                }
                return seen.contains("9");
            });
            assertThat(seen).as("a machine that kept its life, or a removal of none, is no change to its watchers")
                    .containsExactlyInAnyOrder("1", "2", "9");
        } finally {
            quiet.close();
        }
    }

    @Test
    void containerWatchersStartFromTheContainersThereAndHearOfTheirHostsDirectContainersOfTheirType() {
        JujuWorld hosts = new JujuWorld(bootstrapServers).withModel()
                .withMachines("1", "2", "1/lxd/0", "1/kvm/0", "1/lxd/0/lxd/1", "2/lxd/0");
        try (KafkaConsumer<String, byte[]> changes = hosts.consumerAtEnd("juju.watcher.changes")) {
            FerryClient theController = hosts.controller();
            String password = "machine-1-agent-password-" + UUID.randomUUID();
            hosts.call(theController, "SetPasswords",
                    Map.of("changes", List.of(Map.of("tag", "machine-1", "password", password))));
            FerryClient machineOne = hosts.client("machine-1", password);
            var record = machineOne.signer().sign(machineOne.request(hosts.model, "Provisioner", 11,
                    "WatchContainers", Map.of("params", List.of(
                            watch("machine-1", "lxd"), watch("machine-1", ""), watch("machine-1-lxd-0", "lxd"),
                            watch("machine-1-lxd-0", "kvm"), watch("machine-2", "lxd"), watch("machine-1-lxd-7", ""),
                            watch("unit-foo-0", ""), watch("machine-1-lxd-0-lxd-1", "")))));
            RpcResponse byType = machineOne.send(record).await().atMost(WAIT);
            assertThat(byType.isError()).as(String.valueOf(byType.error())).isFalse();
            JsonNode results = byType.response().path("results");
            assertThat(results).hasSize(8);
            assertThat(results.get(0).path("changes")).extracting(JsonNode::asText).containsExactly("1/lxd/0");
            assertThat(results.get(1).path("changes")).extracting(JsonNode::asText)
                    .containsExactlyInAnyOrder("1/lxd/0", "1/kvm/0");
            assertThat(results.get(2).path("changes")).as("a container of the caller's container")
                    .extracting(JsonNode::asText).containsExactly("1/lxd/0/lxd/1");
            assertThat(results.get(3).has("changes")).as("none of that type: no changes, as Juju's omitempty")
                    .isFalse();
            assertThat(results.get(3).path("watcher-id").asText()).isNotEmpty();
            JujuWorld.assertPerm(results.get(4).path("error"));
            assertThat(results.get(4).path("watcher-id").asText()).isEmpty();
            assertThat(results.get(5).path("error").path("message").asText()).isEqualTo("machine 1/lxd/7 not found");
            assertThat(results.get(5).path("error").path("code").asText()).isEqualTo("not found");
            JujuWorld.assertPerm(results.get(6).path("error"));
            JujuWorld.assertPerm(results.get(7).path("error"));
            RpcResponse again = machineOne.send(record).await().atMost(WAIT);
            assertThat(again.response()).as("the same record again: the same watchers, no new ones")
                    .isEqualTo(byType.response());

            RpcResponse all = hosts.call(theController, "WatchAllContainers",
                    Map.of("params", List.of(watch("machine-1", "lxd"), watch("machine-1-lxd-0", ""),
                            watch("machine-42", ""))));
            JsonNode allResults = all.response().path("results");
            assertThat(allResults.get(0).path("changes")).as("every type, whatever the entry says")
                    .extracting(JsonNode::asText).containsExactlyInAnyOrder("1/lxd/0", "1/kvm/0");
            JujuWorld.assertPerm(allResults.get(1).path("error"));
            assertThat(allResults.get(2).path("error").path("message").asText()).isEqualTo("machine 42 not found");

            Map<String, String> watcherOf = Map.of(
                    "lxd of 1", results.get(0).path("watcher-id").asText(),
                    "all of 1", results.get(1).path("watcher-id").asText(),
                    "lxd of 1/lxd/0", results.get(2).path("watcher-id").asText(),
                    "all of 1 (controller)", allResults.get(0).path("watcher-id").asText());
            hosts.event("machine", "added", Map.of("machine-id", "1/lxd/1"));
            hosts.event("machine", "added", Map.of("machine-id", "1/kvm/1"));
            hosts.event("machine", "changed", Map.of("machine-id", "1/lxd/0", "life", "dying"));
            hosts.event("machine", "changed", Map.of("machine-id", "1/kvm/0", "instance-id", "juju-kvm-0"));
            hosts.event("machine", "added", Map.of("machine-id", "2/lxd/1"));
            hosts.event("machine", "added", Map.of("machine-id", "3"));
            hosts.event("machine", "added", Map.of("machine-id", "1/lxd/0/lxd/2"));
            hosts.event("machine", "removed", Map.of("machine-id", "1/kvm/1"));
            hosts.event("machine", "added", Map.of("machine-id", "1/lxd/9"));
            hosts.event("machine", "added", Map.of("machine-id", "1/lxd/0/lxd/9"));
            Map<String, java.util.Set<String>> seen = new java.util.HashMap<>();
            watcherOf.values().forEach(id -> seen.put(id, new java.util.LinkedHashSet<>()));
            Awaitility.await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : changes.poll(Duration.ofMillis(200))) {
                    if (seen.containsKey(r.key())) {
                        JujuWorld.json(r.value()).path("changes").forEach(c -> seen.get(r.key()).add(c.asText()));
                    }
                }
                return seen.get(watcherOf.get("lxd of 1")).contains("1/lxd/9")
                        && seen.get(watcherOf.get("all of 1")).contains("1/lxd/9")
                        && seen.get(watcherOf.get("all of 1 (controller)")).contains("1/lxd/9")
                        && seen.get(watcherOf.get("lxd of 1/lxd/0")).contains("1/lxd/0/lxd/9");
            });
            assertThat(seen.get(watcherOf.get("lxd of 1"))).containsExactlyInAnyOrder("1/lxd/1", "1/lxd/0", "1/lxd/9");
            assertThat(seen.get(watcherOf.get("all of 1")))
                    .containsExactlyInAnyOrder("1/lxd/1", "1/kvm/1", "1/lxd/0", "1/lxd/9");
            assertThat(seen.get(watcherOf.get("all of 1 (controller)"))).isEqualTo(seen.get(watcherOf.get("all of 1")));
            assertThat(seen.get(watcherOf.get("lxd of 1/lxd/0")))
                    .containsExactlyInAnyOrder("1/lxd/0/lxd/2", "1/lxd/0/lxd/9");

            assertThat(stopWatcher(theController, hosts.model, watcherOf.get("lxd of 1")).errorCode())
                    .as("only its owner stops a watcher").isEqualTo("unauthorized access");
            RpcResponse stopped = stopWatcher(machineOne, hosts.model, watcherOf.get("lxd of 1"));
            assertThat(stopped.isError()).as(String.valueOf(stopped.error())).isFalse();
        } finally {
            hosts.close();
        }
    }

    @Test
    void containerWatchCallsOfTheWrongShapeAreBadRequests() {
        RpcResponse wrongType = world.call(controller, "WatchContainers",
                Map.of("params", List.of(Map.of("machine-tag", 1, "container-type", "lxd"))));
        assertThat(wrongType.errorCode()).isEqualTo("bad request");
        assertThat(wrongType.error()).contains("params[0].machine-tag");
        RpcResponse notAList = world.call(controller, "WatchAllContainers", Map.of("params", "machine-1"));
        assertThat(notAList.errorCode()).isEqualTo("bad request");
        assertThat(notAList.error()).contains("\"params\"");
        RpcResponse user = world.call(world.client(JujuWorld.ADMIN, JujuWorld.ADMIN_PASSWORD), "WatchContainers",
                Map.of("params", List.of(watch("machine-0", "lxd"))));
        assertThat(user.errorCode()).as("a user is not in the Provisioner's AvailableTo")
                .isEqualTo("unauthorized access");
    }

    private static Map<String, String> watch(String machineTag, String containerType) {
        return Map.of("machine-tag", machineTag, "container-type", containerType);
    }

    @Test
    void watchersCreatedWhileMachinesArriveMissNoneOfThem() throws Exception {
        JujuWorld busy = new JujuWorld(bootstrapServers).withModel();
        FerryClient watcher = busy.controller();
        List<String> machines = java.util.stream.IntStream.range(0, 200).mapToObj(String::valueOf).toList();
        Map<String, java.util.Set<String>> seen = new java.util.concurrent.ConcurrentHashMap<>();
        try (KafkaConsumer<String, byte[]> changes = busy.consumerAtEnd("juju.watcher.changes")) {
            java.util.concurrent.CompletableFuture<Void> arriving = java.util.concurrent.CompletableFuture.runAsync(
                    () -> machines.forEach(id -> busy.event("machine", "added", Map.of("machine-id", id))));
            while (!arriving.isDone() || seen.isEmpty()) {
                RpcResponse watch = busy.call(watcher, "WatchModelMachines", null);
                assertThat(watch.isError()).as(String.valueOf(watch.error())).isFalse();
                java.util.Set<String> initial = java.util.concurrent.ConcurrentHashMap.newKeySet();
                watch.response().path("changes").forEach(c -> initial.add(c.asText()));
                seen.put(watch.response().path("watcher-id").asText(), initial);
            }
            arriving.get();
            // Each watcher knows every machine: from its initial changes, or from a change record after them.
            Awaitility.await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : changes.poll(Duration.ofMillis(200))) {
                    java.util.Set<String> known = seen.get(r.key());
                    if (known != null) {
                        JujuWorld.json(r.value()).path("changes").forEach(c -> known.add(c.asText()));
                    }
                }
                return seen.values().stream().allMatch(known -> known.containsAll(machines));
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Map<String, Integer> missing = new java.util.TreeMap<>();
            seen.forEach((id, known) -> {
                if (!known.containsAll(machines)) {
                    missing.put(id, machines.size() - (int) machines.stream().filter(known::contains).count());
                }
            });
            throw new AssertionError(missing.size() + " of " + seen.size() + " watchers never heard of some "
                    + "machines (watcher: how many): " + missing, e);
        } finally {
            busy.close();
        }
    }

    @Test
    void aModelsMachineZeroWithItsOwnPasswordIsThatMachine_neverTheController() throws Exception {
        JujuWorld hosted = new JujuWorld(bootstrapServers).withModel().withMachines("0", "1");
        try {
            FerryClient theController = hosted.controller();
            String password = "hosted-machine-zero-password-" + UUID.randomUUID();
            RpcResponse set = hosted.call(theController, "SetPasswords",
                    Map.of("changes", List.of(Map.of("tag", "machine-0", "password", password))));
            assertThat(set.response().path("results").get(0).path("error").isMissingNode()).isTrue();

            FerryClient machineZero = hosted.client("machine-0", password);
            RpcResponse watch = hosted.call(machineZero, "WatchModelMachines", null);
            assertThat(watch.error()).as("a machine agent may not watch the model's machines").isEqualTo("permission denied");
            RpcResponse life = hosted.call(machineZero, "Life",
                    Map.of("entities", List.of(Map.of("tag", "machine-0"), Map.of("tag", "machine-1"))));
            assertThat(life.response().path("results").get(0).path("life").asText()).isEqualTo("alive");
            JujuWorld.assertPerm(life.response().path("results").get(1).path("error"));

            RpcResponse controllerStill = hosted.call(theController, "WatchModelMachines", null);
            assertThat(controllerStill.isError()).as("the controller, with its configured password, in that model")
                    .isFalse();
        } finally {
            hosted.close();
        }
    }

    @Test
    void aRemovedModelTakesItsWatchersAndItsAgentsPasswordsWithIt() throws Exception {
        JujuWorld gone = new JujuWorld(bootstrapServers).withModel().withMachines("1");
        try {
            FerryClient theController = gone.controller();
            String watcherId = gone.call(theController, "WatchModelMachines", null).response().path("watcher-id")
                    .asText();
            String password = "machine-1-password-" + UUID.randomUUID();
            gone.call(theController, "SetPasswords",
                    Map.of("changes", List.of(Map.of("tag", "machine-1", "password", password))));
            assertThat(gone.call(gone.client("machine-1", password), "Life",
                    Map.of("entities", List.of(Map.of("tag", "machine-1")))).isError()).isFalse();

            try (KafkaConsumer<String, byte[]> changes = gone.consumerAtEnd("juju.watcher.changes")) {
                // A machine just before the model goes (most likely in the same poll): announced, then the end.
                gone.event("machine", "added", Map.of("machine-id", "7"));
                gone.event("model", "removed", Map.of());
                List<JsonNode> toWatcher = new ArrayList<>();
                Awaitility.await().atMost(WAIT).until(() -> {
                    changes.poll(Duration.ofMillis(200)).forEach(r -> {
                        if (watcherId.equals(r.key())) {
                            toWatcher.add(JujuWorld.json(r.value()));
                        }
                    });
                    return toWatcher.stream().anyMatch(c -> c.has("error"));
                });
                assertThat(toWatcher).hasSize(2);
                assertThat(toWatcher.get(0).path("changes").toString()).isEqualTo("[\"7\"]");
                JsonNode end = toWatcher.get(1);
                assertThat(end.path("watcher-id").asText()).isEqualTo(watcherId);
                assertThat(end.path("type").asText()).isEqualTo("StringsWatcher");
                assertThat(end.path("changes").isArray() && end.path("changes").isEmpty()).isTrue();
                assertThat(end.path("error").path("message").asText()).isEqualTo("watcher was stopped");
                assertThat(end.path("error").path("code").asText()).isEqualTo("stopped");
            }
            Awaitility.await().atMost(WAIT).until(() -> {
                RpcResponse answer = gone.call(theController, "ModelUUID", null);
                return answer.isError() || !answer.response().path("error").isMissingNode();
            });
            gone.withModel().withMachines("1");
            assertThat(stopWatcher(theController, gone.model, watcherId).error())
                    .as("the watcher of the removed model").isEqualTo("unknown watcher id");
            RpcResponse oldPassword = gone.call(gone.client("machine-1", password), "Life",
                    Map.of("entities", List.of(Map.of("tag", "machine-1"))));
            assertThat(oldPassword.errorCode()).as("the old machine's password").isEqualTo("unauthorized access");
        } finally {
            gone.close();
        }
    }

    @Test
    void onlyTheControllerMayWatchModelMachines() throws Exception {
        String password = "machine-1-agent-password-" + UUID.randomUUID();
        world.call(controller, "SetPasswords", Map.of("changes", List.of(Map.of("tag", "machine-1", "password", password))));
        RpcResponse answer = world.call(world.client("machine-1", password), "WatchModelMachines", null);
        assertThat(answer.errorCode()).isEqualTo("unauthorized access");
        assertThat(answer.error()).isEqualTo("permission denied");
    }

    @Test
    void theSameEventTwiceIsAppliedOnce() {
        String eventId = UUID.randomUUID().toString();
        Map<String, Object> event = Map.of("event-id", eventId, "model-uuid", world.model, "kind", "machine",
                "action", "added", "data", Map.of("machine-id", "9", "instance-id", "i-9"));
        world.publishEvent(event);
        awaitLife("machine-9", "alive");
        world.event("machine", "changed", Map.of("machine-id", "9", "life", "dead"));
        awaitLife("machine-9", "dead");
        // The first event again: it must not re-add (and so must not revive) the machine.
        world.publishEvent(event);
        String marker = world.event("machine", "added", Map.of("machine-id", "10"));
        awaitLife("machine-10", "alive");
        assertThat(marker).isNotEmpty();
        awaitLife("machine-9", "dead");
    }

    @Test
    void badEventsGoToTheDeadLetterTopicWithTheReasonAndTheStreamGoesOn() {
        try (KafkaConsumer<String, byte[]> dlq = world.consumerAtEnd("juju.model.events.dlq")) {
            world.publishRaw(world.model, "{not json");
            world.publishEvent(Map.of("event-id", "e-" + UUID.randomUUID(), "model-uuid", world.model, "kind", "machine",
                    "action", "added", "data", Map.of("machine-id", "11", "colour", "blue")));
            world.publishEvent(Map.of("event-id", "e-" + UUID.randomUUID(), "model-uuid", world.model, "kind", "machine",
                    "action", "added", "data", Map.of("machine-id", "12", "jobs", "JobHostUnits")));
            world.publishEvent(Map.of("event-id", "e-" + UUID.randomUUID(), "model-uuid", world.model, "kind", "gadget",
                    "action", "added", "data", Map.of()));
            world.publishEvent(Map.of("event-id", "e-" + UUID.randomUUID(), "model-uuid", world.model, "kind", "machine",
                    "action", "changed", "data", Map.of("machine-id", "404", "life", "dying")));
            world.publishEvent(Map.of("event-id", "e-" + UUID.randomUUID(), "model-uuid", UUID.randomUUID().toString(),
                    "kind", "machine", "action", "added", "data", Map.of("machine-id", "13")));
            // What PostgreSQL would refuse goes straight to the DLQ, rather than failing every event polled with it.
            world.publishEvent(Map.of("event-id", "e-" + UUID.randomUUID(), "model-uuid", world.model, "kind", "machine",
                    "action", "added", "data", Map.of("machine-id", "15", "display-name", "a\u0000b")));
            // An id used again for other content is another event, not a redelivery.
            String reused = "e-" + UUID.randomUUID();
            world.publishEvent(Map.of("event-id", reused, "model-uuid", world.model, "kind", "machine",
                    "action", "added", "data", Map.of("machine-id", "16")));
            world.publishEvent(Map.of("event-id", reused, "model-uuid", world.model, "kind", "machine",
                    "action", "added", "data", Map.of("machine-id", "17")));
            world.event("machine", "added", Map.of("machine-id", "14"));
            List<String> reasons = new ArrayList<>();
            Awaitility.await().atMost(WAIT).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (world.model.equals(r.key())) {
                        reasons.add(new String(r.headers().lastHeader("ferry-dlq-reason").value(), StandardCharsets.UTF_8));
                    }
                });
                return reasons.size() >= 8;
            });
            assertThat(reasons).hasSize(8);
            assertThat(reasons.get(0)).startsWith("malformed JSON").as("a header on one line, without the parser's "
                    + "words for its input").doesNotContain("\n").doesNotContain("Source").endsWith(")");
            assertThat(reasons.get(1)).isEqualTo("unknown field \"data.colour\" for kind machine");
            assertThat(reasons.get(2)).isEqualTo("field \"data.jobs\" must be an array of strings");
            assertThat(reasons.get(3)).startsWith("unknown kind \"gadget\"");
            assertThat(reasons.get(4)).isEqualTo("no machine \"404\" to change");
            assertThat(reasons.get(5)).contains("differs from model-uuid");
            assertThat(reasons.get(6)).isEqualTo("field \"data.display-name\" contains a NUL character");
            assertThat(reasons.get(7)).isEqualTo("event-id \"" + reused + "\" was applied before with other content: "
                    + "an event id names one event");
            awaitLife("machine-14", "alive");
            awaitLife("machine-16", "alive");
            RpcResponse reusedId = world.call(controller, "Life", Map.of("entities",
                    List.of(Map.of("tag", "machine-17"))));
            assertThat(reusedId.response().path("results").get(0).path("error").path("code").asText())
                    .as("the second event under a used id changed nothing").isEqualTo("not found");
        }
    }

    private RpcResponse stopWatcher(FerryClient client, String watcherId) {
        return stopWatcher(client, world.model, watcherId);
    }

    private RpcResponse stopWatcher(FerryClient client, String model, String watcherId) {
        var record = client.signer().sign(client.record(model,
                ("{\"request-id\":1,\"type\":\"StringsWatcher\",\"version\":1,\"request\":\"Stop\",\"id\":\""
                        + watcherId + "\"}").getBytes(StandardCharsets.UTF_8)),
                UUID.randomUUID().toString(), System.currentTimeMillis());
        return client.send(record).await().atMost(WAIT);
    }

    private void awaitLife(String tag, String life) {
        Awaitility.await().atMost(WAIT).until(() -> {
            RpcResponse answer = world.call(controller, "Life", Map.of("entities", List.of(Map.of("tag", tag))));
            return life.equals(answer.response().path("results").get(0).path("life").asText());
        });
    }
}
