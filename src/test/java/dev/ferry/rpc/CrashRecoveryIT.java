package dev.ferry.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.client.FerryClient;

/**
 * Exactly one response and exactly one effect per request, even when Ferry is SIGKILLed mid-stream: the packaged
 * application runs as a child process against a real broker and database and is killed three times while signed
 * requests stream in. A watcher created before the crashes still gets changes after the last restart.
 */
class CrashRecoveryIT {

    private static final int REQUESTS = 3000;
    private static final int KILLS = 3;

    private Map<String, String> services;

    @Test
    void killedThreeTimesMidStream_noResponseLostOrDuplicated_noRequestAppliedTwice() throws Exception {
        try (FerryProcess ferry = new FerryProcess(Map.of("ferry.rpc.instance-id", "crash-test"));
                JujuWorld world = new JujuWorld(ferry.bootstrapServers())) {
            services = ferry.services();
            ferry.start(Map.of());
            world.withModel().withMachines("0", "1");
            FerryClient controller = world.controller();
            JsonNode before = world.call(controller, "WatchModelMachines", null).response();
            String survivingWatcher = before.path("watcher-id").asText();
            long watchersBefore = countWatchers(world.model);

            try (KafkaConsumer<String, byte[]> responses = world.consumerAtEnd("juju.rpc.responses")) {
                List<String> correlations = new ArrayList<>();
                Map<String, List<JsonNode>> answers = new HashMap<>();
                long begin = System.nanoTime();
                int chunk = REQUESTS / (KILLS + 1);
                for (int round = 0; round <= KILLS; round++) {
                    List<String> sent = new ArrayList<>();
                    for (int i = round * chunk; i < (round + 1) * chunk; i++) {
                        String correlation = UUID.randomUUID().toString();
                        sent.add(correlation);
                        ProducerRecord<String, byte[]> request = controller.signer().sign(controller.record(world.model,
                                ("{\"request-id\":" + i + ",\"type\":\"Provisioner\",\"version\":11,"
                                        + "\"request\":\"WatchModelMachines\"}").getBytes(StandardCharsets.UTF_8)),
                                correlation, System.currentTimeMillis());
                        controller.produce(request).subscribe().with(m -> { }, e -> { });
                    }
                    correlations.addAll(sent);
                    if (round < KILLS) {
                        // Kill while this round is being answered: after its first answers, before its last.
                        Awaitility.await().atMost(JujuWorld.WAIT).pollInterval(Duration.ofMillis(1)).until(() -> {
                            drain(responses, world.model, answers, Duration.ofMillis(20));
                            return sent.stream().filter(answers::containsKey).count() >= 20;
                        });
                        long answeredAtKill = sent.stream().filter(answers::containsKey).count();
                        ferry.kill();
                        System.out.printf("crash test: SIGKILL %d with %d of %d answered in its round%n", round + 1,
                                answeredAtKill, sent.size());
                        ferry.start(Map.of());
                    }
                }
                Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    drain(responses, world.model, answers, Duration.ofMillis(500));
                    return correlations.stream().allMatch(answers::containsKey);
                });
                // Let any stray duplicate surface before counting.
                long quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < quietUntil) {
                    drain(responses, world.model, answers, Duration.ofMillis(500));
                }
                long lost = correlations.stream().filter(c -> !answers.containsKey(c)).count();
                long duplicated = answers.values().stream().filter(list -> list.size() > 1).count();
                long errors = answers.values().stream().flatMap(List::stream).filter(a -> a.has("error")).count();
                long appliedTwice = countWatchers(world.model) - watchersBefore - REQUESTS;
                System.out.printf("crash test: %d requests, %d SIGKILLs, %.1f s, lost=%d duplicated=%d errors=%d "
                        + "appliedTwice=%d%n", REQUESTS, KILLS, (System.nanoTime() - begin) / 1e9, lost, duplicated,
                        errors, appliedTwice);
                assertThat(lost).as("lost responses").isZero();
                assertThat(duplicated).as("duplicated responses").isZero();
                assertThat(errors).as("error responses").isZero();
                assertThat(appliedTwice).as("requests applied twice (or not at all)").isZero();
                // Each response names a watcher that exists: the stored response and the state committed together.
                for (int i = 0; i < REQUESTS; i += 97) {
                    String watcherId = answers.get(correlations.get(i)).get(0).path("response").path("watcher-id").asText();
                    assertThat(watcherExists(watcherId)).as("watcher of request " + i).isTrue();
                }
            }

            // The watcher made before the crashes is state, not memory: it still gets changes.
            try (KafkaConsumer<String, byte[]> changes = world.consumerAtEnd("juju.watcher.changes")) {
                world.event("machine", "added", Map.of("machine-id", "99"));
                List<String> seen = new ArrayList<>();
                Awaitility.await().atMost(JujuWorld.WAIT).until(() -> {
                    for (ConsumerRecord<String, byte[]> r : changes.poll(Duration.ofMillis(200))) {
                        if (survivingWatcher.equals(r.key())) {
                            JujuWorld.json(r.value()).path("changes").forEach(c -> seen.add(c.asText()));
                        }
                    }
                    return seen.contains("99");
                });
            }
        }
    }

    private static void drain(KafkaConsumer<String, byte[]> responses, String model, Map<String, List<JsonNode>> answers,
            Duration wait) {
        for (ConsumerRecord<String, byte[]> r : responses.poll(wait)) {
            if (model.equals(r.key())) {
                answers.computeIfAbsent(new String(r.headers().lastHeader("ferry-correlation-id").value(),
                        StandardCharsets.UTF_8), c -> new ArrayList<>()).add(JujuWorld.json(r.value()));
            }
        }
    }

    private long countWatchers(String model) throws Exception {
        return queryLong("SELECT count(*) FROM watchers WHERE model_uuid = '" + model + "'");
    }

    private boolean watcherExists(String id) throws Exception {
        return queryLong("SELECT count(*) FROM watchers WHERE watcher_id = '" + id.replace("'", "") + "'") == 1;
    }

    private long queryLong(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(services.get("quarkus.datasource.jdbc.url"),
                services.get("quarkus.datasource.username"), services.get("quarkus.datasource.password"));
                ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
