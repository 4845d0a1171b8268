package dev.ferry.replication.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.replication.job.JobStatus;
import dev.ferry.replication.support.Trees;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;

/**
 * Given Ferry with the embedded broker and database: an object published on its topic is reconciled with the real
 * mover, and its status appears on {@code volsync.status}; invalid objects get an Error status, unkeyed records go to
 * the dead-letter topic, a tombstone deletes the object.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationKafkaTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;
    @Inject
    ReplicationRuntime runtime;
    @Inject
    ReplicationRepository repository;
    @Inject
    PartitionOwnership ownership;

    final ObjectMapper mapper = new ObjectMapper();
    final List<ConsumerRecord<String, String>> statuses = new CopyOnWriteArrayList<>();
    KafkaCompanion companion;
    /** Publishes the objects whose way to their mover is timed: ready before, so that its own start is not timed. */
    KafkaProducer<String, String> timedProducer;
    ConsumerTask<String, String> statusTask;
    String ns;

    @BeforeAll
    void subscribe() {
        companion = new KafkaCompanion(bootstrapServers);
        ns = "kt-" + UUID.randomUUID().toString().substring(0, 8);
        statusTask = companion.consume(Serdes.String(), Serdes.String()).withGroupId("status-" + ns)
                .withAutoCommit().fromTopics("volsync.status");
        statusTask.getMulti().subscribe().with(statuses::add);
        timedProducer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        try {
            // A tombstone for an object that never existed: Ferry ignores it; the producer has its id and connections.
            timedProducer.send(new ProducerRecord<>("volsync.replication-sources", ns + "/warm-up", null)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void close() {
        timedProducer.close();
        statusTask.stop();
        companion.close();
    }

    Optional<JsonNode> latestStatus(String key) {
        return statuses.stream().filter(r -> key.equals(r.key())).reduce((a, b) -> b).map(r -> {
            try {
                return r.value() == null ? mapper.nullNode() : mapper.readTree(r.value());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** When the broker got the record (its producer timestamp), read back from the topic. */
    Instant publishedAt(String key) {
        ConsumerTask<String, String> sources = companion.consume(Serdes.String(), Serdes.String())
                .withGroupId("sources-" + UUID.randomUUID()).withAutoCommit()
                .fromTopics("volsync.replication-sources");
        ConsumerRecord<String, String> record = await().atMost(Duration.ofSeconds(30)).until(
                () -> sources.getRecords().stream().filter(r -> key.equals(r.key())).findFirst().orElse(null),
                r -> r != null);
        sources.stop();
        return Instant.ofEpochMilli(record.timestamp());
    }

    void produce(String topic, String key, String value, String contentType) {
        companion.produce(Serdes.String(), Serdes.String()).fromRecords(record(topic, key, value, contentType))
                .awaitCompletion();
    }

    static ProducerRecord<String, String> record(String topic, String key, String value, String contentType) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        if (contentType != null) {
            record.headers().add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    /** Publishes with the producer made ready beforehand (see {@link #timedProducer}). */
    void produceTimed(String topic, String key, String value, String contentType) throws Exception {
        timedProducer.send(record(topic, key, value, contentType)).get();
    }

    @Test
    void givenASourcePublished_whenReconciled_thenTheMoverRunsAndItsStatusIsPublishedThenATombstoneDeletesIt()
            throws Exception {
        Path volumes = runtime.config().volumesRoot();
        Path data = Files.createDirectories(volumes.resolve(ns).resolve("data"));
        Trees.populate(data, 7, 12, false);
        Path remote = Files.createDirectories(Path.of("target/ferry-test/remote").toAbsolutePath()).resolve(ns);
        Path secret = Files.createDirectories(runtime.config().secretsRoot().resolve(ns).resolve("rclone-secret"));
        Files.writeString(secret.resolve("rclone.conf"), "[store]\ntype = local\n");
        String yaml = """
                apiVersion: volsync.backube/v1alpha1
                kind: ReplicationSource
                metadata:
                  name: app
                  namespace: %s
                spec:
                  sourcePVC: data
                  trigger:
                    manual: one
                  rclone:
                    copyMethod: Direct
                    rcloneConfig: rclone-secret
                    rcloneConfigSection: store
                    rcloneDestPath: %s
                """.formatted(ns, remote);
        produceTimed("volsync.replication-sources", ns + "/app", yaml, "application/yaml");
        JobStatus job = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                .until(() -> runtime.jobs().get(ns, "volsync-rclone-src-app").orElse(null), j -> j != null);
        System.out.printf("object published -> mover job started: %d ms%n",
                Duration.between(publishedAt(ns + "/app"), job.startTime()).toMillis());

        JsonNode status = await().atMost(Duration.ofSeconds(60)).until(() -> latestStatus(ns + "/app").orElse(null),
                s -> s != null && "one".equals(s.path("status").path("lastManualSync").asText()));
        assertThat(status.get("kind").asText()).isEqualTo("ReplicationSource");
        assertThat(status.get("metadata").get("name").asText()).isEqualTo("app");
        assertThat(status.get("metadata").get("namespace").asText()).isEqualTo(ns);
        JsonNode body = status.get("status");
        assertThat(body.get("latestMoverStatus").get("result").asText()).isEqualTo("Successful");
        assertThat(body.get("lastSyncTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(body.has("lastSyncDuration")).isTrue();
        JsonNode condition = body.get("conditions").get(0);
        assertThat(condition.get("type").asText()).isEqualTo("Synchronizing");
        assertThat(condition.get("reason").asText()).isIn("CleaningUp", "WaitingForManual");
        await().atMost(Duration.ofSeconds(10)).until(() -> latestStatus(ns + "/app").orElseThrow().path("status")
                .path("conditions").get(0).path("reason").asText().equals("WaitingForManual"));
        Map<String, String> expected = Trees.describe(data);
        Map<String, String> actual = Trees.describe(remote);
        actual.remove("permissions.facl");
        assertThat(actual.keySet()).isEqualTo(expected.keySet());

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String labels = "{obj_name=\"app\",obj_namespace=\"" + ns + "\",role=\"source\",method=\"rclone\"";
        double observed = Double.parseDouble(sample(metrics, "volsync_sync_duration_seconds_sum" + labels + "}"));
        assertThat(observed).as("one sync, its duration").isPositive();
        assertThat(sample(metrics, "volsync_sync_duration_seconds_count" + labels + "}")).isEqualTo("1.0");
        for (String quantile : List.of("0.5", "0.9", "0.99")) {
            assertThat(Double.parseDouble(sample(metrics, "volsync_sync_duration_seconds" + labels + ",quantile=\""
                    + quantile + "\"}"))).as("quantile %s of one observation: the observation", quantile)
                    .isEqualTo(observed);
        }
        assertThat(sample(metrics, "volsync_volume_out_of_sync" + labels + "}")).isEqualTo("0.0");
        assertThat(sample(metrics, "volsync_missed_intervals_total" + labels + "}")).isEqualTo("0.0");
        assertThat(metrics).as("series VolSync does not export").doesNotContain("volsync_sync_duration_seconds_max")
                .doesNotContain("volsync_missed_intervals_created").doesNotContain("volsync_sync_duration_seconds_created");

        // warm: a second object once the pipeline has run
        produceTimed("volsync.replication-sources", ns + "/app2", yaml.replace("name: app", "name: app2")
                .replace(remote.toString(), remote + "-2"), "application/yaml");
        JobStatus warmJob = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                .until(() -> runtime.jobs().get(ns, "volsync-rclone-src-app2").orElse(null), j -> j != null);
        System.out.printf("object published -> mover job started (warm): %d ms%n",
                Duration.between(publishedAt(ns + "/app2"), warmJob.startTime()).toMillis());
        await().atMost(Duration.ofSeconds(60)).until(() -> latestStatus(ns + "/app2").orElse(null),
                s -> s != null && "one".equals(s.path("status").path("lastManualSync").asText()));

        produce("volsync.replication-sources", ns + "/app", null, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> latestStatus(ns + "/app").orElseThrow().isNull());
        await().atMost(Duration.ofSeconds(30)).until(() -> repository.find(new ObjectRef("ReplicationSource",
                new dev.ferry.replication.api.ObjectKey(ns, "app"))).await().atMost(Duration.ofSeconds(5)).isEmpty());
        assertThat(Files.exists(data)).as("the user's volume survives the delete").isTrue();
    }

    @Test
    void givenAnInvalidObject_whenPublished_thenItsStatusNamesTheProblem() {
        produce("volsync.replication-destinations", ns + "/broken",
                "{\"apiVersion\":\"volsync.backube/v1beta9\",\"kind\":\"ReplicationDestination\",\"spec\":{}}", null);
        JsonNode status = await().atMost(Duration.ofSeconds(30))
                .until(() -> latestStatus(ns + "/broken").orElse(null), s -> s != null);
        assertThat(status.get("kind").asText()).isEqualTo("ReplicationDestination");
        JsonNode condition = status.get("status").get("conditions").get(0);
        assertThat(condition.get("status").asText()).isEqualTo("False");
        assertThat(condition.get("reason").asText()).isEqualTo("Error");
        assertThat(condition.get("message").asText()).isEqualTo(
                "apiVersion: Unsupported value: \"volsync.backube/v1beta9\": supported values: \"volsync.backube/v1alpha1\"");

        produce("volsync.replication-destinations", ns + "/nomover",
                "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationDestination\",\"spec\":{}}", null);
        JsonNode noMover = await().atMost(Duration.ofSeconds(30))
                .until(() -> latestStatus(ns + "/nomover").orElse(null), s -> s != null);
        assertThat(noMover.get("status").get("conditions").get(0).get("message").asText())
                .isEqualTo("a replication method must be specified");
    }

    @Test
    void givenObjectsTheDatabaseCannotKeep_whenPublished_thenEachIsAnswered_andTheRecordsAfterThemAreToo() {
        String head = "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\",";
        produce("volsync.replication-sources", ns + "/nul", head + "\"metadata\":{\"annotations\":{\"a\":\"x\\u0000y\"}},"
                + "\"spec\":{}}", null);
        assertThat(awaitMessage(ns + "/nul", m -> m.contains("NUL"))).isEqualTo(
                "metadata.annotations.a: Invalid value: contains a NUL character (\\u0000), which cannot be stored");
        // The same key, so the same partition: the record after it is not held up.
        produce("volsync.replication-sources", ns + "/nul", head + "\"spec\":{}}", null);
        assertThat(awaitMessage(ns + "/nul", m -> !m.contains("NUL"))).isEqualTo("a replication method must be specified");

        produce("volsync.replication-destinations", ns + "/nul-version",
                "{\"apiVersion\":\"volsync.backube/v1alpha1\\u0000\",\"kind\":\"ReplicationDestination\"}", null);
        assertThat(awaitMessage(ns + "/nul-version", m -> true)).isEqualTo("apiVersion: Unsupported value: "
                + "\"volsync.backube/v1alpha1\\u0000\": supported values: \"volsync.backube/v1alpha1\"");
    }

    @Test
    void givenAnObjectThatFillsItsRecord_whenPublished_thenItsStatusGoesOutWithItsIdentityOnly() {
        // Just under Kafka's default record size (1 MiB): whole, its status would be just over it.
        String head = "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\",\"metadata\":"
                + "{\"uid\":\"uid-full\",\"labels\":{\"app\":\"full\"},\"resourceVersion\":\"";
        String tail = "\"},\"spec\":{}}";
        produce("volsync.replication-sources", ns + "/full",
                head + "7".repeat(1_048_400 - head.length() - tail.length()) + tail, null);
        JsonNode status = await().atMost(Duration.ofSeconds(30))
                .until(() -> latestStatus(ns + "/full").orElse(null), s -> s != null);
        assertThat(status.get("metadata").get("uid").asText()).isEqualTo("uid-full");
        assertThat(status.get("metadata").has("resourceVersion")).isFalse();
        assertThat(status.get("metadata").has("labels")).isFalse();
        assertThat(status.get("status").get("conditions").get(0).get("message").asText())
                .isEqualTo("a replication method must be specified");
    }

    /** The value of the sample {@code series} (name and labels as exported) on a scrape, in either text format. */
    static String sample(String scrape, String series) {
        return scrape.lines().map(l -> l.replace(",}", "}")).filter(l -> l.startsWith(series + " "))
                .map(l -> l.substring(series.length() + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in the scrape"));
    }

    /** The message of the Synchronizing condition of the latest status of {@code key} that {@code wanted} accepts. */
    private String awaitMessage(String key, java.util.function.Predicate<String> wanted) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> latestStatus(key)
                .map(s -> s.path("status").path("conditions").path(0).path("message").asText(null)).orElse(null),
                m -> m != null && wanted.test(m));
    }

    @Test
    void givenARecordWithoutANamespacedKey_whenPublished_thenItGoesToTheDeadLetterTopicWithTheReason() {
        ConsumerTask<String, String> dlq = companion.consume(Serdes.String(), Serdes.String())
                .withGroupId("dlq-" + ns).withAutoCommit().fromTopics("volsync.replication-sources.dlq");
        String value = "{\"marker\":\"" + ns + "\"}";
        produce("volsync.replication-sources", "no-namespace-" + ns, value, null);
        ConsumerRecord<String, String> dead = await().atMost(Duration.ofSeconds(30)).until(
                () -> dlq.getRecords().stream().filter(r -> value.equals(r.value())).findFirst().orElse(null),
                r -> r != null);
        dlq.stop();
        assertThat(dead.key()).isEqualTo("no-namespace-" + ns);
        assertThat(new String(dead.headers().lastHeader("ferry-dlq-reason").value(), StandardCharsets.UTF_8))
                .isEqualTo("record key \"no-namespace-" + ns + "\" is not namespace/name");
    }

    @Test
    void givenSeveralObjectsPublishedTogether_whenReconciled_thenEachCompletesItsOwnSync() throws Exception {
        Path volumes = runtime.config().volumesRoot();
        String namespace = ns + "-many";
        Path secret = Files.createDirectories(runtime.config().secretsRoot().resolve(namespace).resolve("rc"));
        Files.writeString(secret.resolve("rclone.conf"), "[store]\ntype = local\n");
        Path remote = Files.createDirectories(Path.of("target/ferry-test/remote").toAbsolutePath()).resolve(namespace);
        List<String> names = List.of("one", "two", "three", "four", "five");
        for (String name : names) {
            Path data = Files.createDirectories(volumes.resolve(namespace).resolve("data-" + name));
            Files.writeString(data.resolve("who.txt"), name + "\n");
        }
        for (String name : names) {
            produce("volsync.replication-sources", namespace + "/" + name, ("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                    + "\"kind\":\"ReplicationSource\",\"spec\":{\"sourcePVC\":\"data-%s\",\"trigger\":{\"manual\":\"go\"},"
                    + "\"rclone\":{\"copyMethod\":\"Clone\",\"rcloneConfig\":\"rc\",\"rcloneConfigSection\":\"store\","
                    + "\"rcloneDestPath\":\"%s\"}}}").formatted(name, remote.resolve(name)), null);
        }
        for (String name : names) {
            await().atMost(Duration.ofSeconds(60)).until(() -> latestStatus(namespace + "/" + name).orElse(null),
                    st -> st != null && st.path("status").path("conditions").path(0).path("reason").asText()
                            .equals("WaitingForManual"));
            assertThat(Files.readString(remote.resolve(name).resolve("who.txt"))).isEqualTo(name + "\n");
            assertThat(Files.exists(volumes.resolve(namespace).resolve("volsync-" + name + "-src")))
                    .as("each clone is cleaned up").isFalse();
        }
    }

    /**
     * A namespace with a volume {@code data} and an rclone secret {@code rc} to a local remote; the JSON
     * {@code "spec":{…}} of a ReplicationSource syncing it on the manual trigger {@code go}.
     */
    String manualRcloneSpec(String namespace) throws Exception {
        Path volumes = runtime.config().volumesRoot();
        Files.writeString(Files.createDirectories(volumes.resolve(namespace).resolve("data")).resolve("f.txt"), "x");
        Path secret = Files.createDirectories(runtime.config().secretsRoot().resolve(namespace).resolve("rc"));
        Files.writeString(secret.resolve("rclone.conf"), "[store]\ntype = local\n");
        Path remote = Files.createDirectories(Path.of("target/ferry-test/remote").toAbsolutePath()).resolve(namespace);
        return "\"spec\":{\"sourcePVC\":\"data\",\"trigger\":{\"manual\":\"go\"},\"rclone\":{"
                + "\"copyMethod\":\"Direct\",\"rcloneConfig\":\"rc\",\"rcloneConfigSection\":\"store\","
                + "\"rcloneDestPath\":\"" + remote + "\"}}";
    }

    @Test
    void givenAnObjectRecreatedUnderItsNameWithANewUid_whenPublished_thenTheOldOneIsFinalisedAndTheNewOneStartsAfresh()
            throws Exception {
        String namespace = ns + "-uid";
        String key = namespace + "/app";
        String object = "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\","
                + "\"metadata\":{\"uid\":\"%s\"}," + manualRcloneSpec(namespace) + "}";
        UUID first = UUID.randomUUID();
        produce("volsync.replication-sources", key, object.formatted(first), null);
        JsonNode done = await().atMost(Duration.ofSeconds(60)).until(() -> latestStatus(key).orElse(null),
                st -> st != null && !st.isNull() && "go".equals(st.path("status").path("lastManualSync").asText()));
        assertThat(done.path("metadata").path("uid").asText()).isEqualTo(first.toString());

        // A uid need not be a UUID (types.UID is any string): it is kept, published and compared as sent.
        String second = "recreated-" + UUID.randomUUID().toString().substring(0, 8);
        produce("volsync.replication-sources", key, object.formatted(second), null);
        JsonNode fresh = await().atMost(Duration.ofSeconds(60)).until(() -> latestStatus(key).orElse(null),
                st -> st != null && !st.isNull() && second.equals(st.path("metadata").path("uid").asText())
                        && "go".equals(st.path("status").path("lastManualSync").asText()));
        assertThat(statuses.stream().filter(r -> key.equals(r.key())).anyMatch(r -> r.value() == null))
                .as("the old object's status was tombstoned first").isTrue();
        assertThat(Instant.parse(fresh.path("status").path("lastSyncTime").asText()))
                .as("the new object ran its own manual sync: its status did not carry the old one's over")
                .isAfterOrEqualTo(Instant.parse(done.path("status").path("lastSyncTime").asText()));
        assertThat(repository.find(new ObjectRef("ReplicationSource", new dev.ferry.replication.api.ObjectKey(
                namespace, "app"))).await().atMost(Duration.ofSeconds(5)).orElseThrow().uid()).isEqualTo(second);
    }

    @Test
    void givenAnInvalidObjectNamingItsUid_whenStored_thenItKeepsThatUid_andAnotherUidIsAnotherObject()
            throws Exception {
        String namespace = ns + "-invaliduid";
        String key = namespace + "/app";
        String first = "first-" + UUID.randomUUID().toString().substring(0, 8);
        produce("volsync.replication-sources", key, "{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\",\"metadata\":{\"uid\":\"" + first + "\"},"
                + "\"spec\":{\"paused\":\"true\"}}", null);
        JsonNode refused = await().atMost(Duration.ofSeconds(60)).until(() -> latestStatus(key).orElse(null),
                st -> st != null && !st.isNull() && "False".equals(st.path("status").path("conditions").path(0)
                        .path("status").asText()));
        assertThat(refused.path("metadata").path("uid").asText()).as("the uid the invalid record named")
                .isEqualTo(first);

        String second = "second-" + UUID.randomUUID().toString().substring(0, 8);
        produce("volsync.replication-sources", key, "{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\",\"metadata\":{\"uid\":\"" + second + "\"},"
                + manualRcloneSpec(namespace) + "}", null);
        await().atMost(Duration.ofSeconds(60)).until(() -> latestStatus(key).orElse(null),
                st -> st != null && !st.isNull() && second.equals(st.path("metadata").path("uid").asText())
                        && "go".equals(st.path("status").path("lastManualSync").asText()));
        assertThat(statuses.stream().filter(r -> key.equals(r.key())).anyMatch(r -> r.value() == null))
                .as("another uid: the invalid object was deleted first").isTrue();
    }

    @Test
    void givenASecondInstanceJoiningTheGroup_whenThePartitionsAreShared_thenEachObjectRunsOnlyWhereItsPartitionIs()
            throws Exception {
        String namespace = ns + "-share";
        String topic = "volsync.replication-destinations";
        int partitions = 6;
        String destination = "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationDestination\","
                + "\"spec\":{\"trigger\":{\"manual\":\"go\"},\"rsync\":{\"copyMethod\":\"Direct\","
                + "\"capacity\":\"1Gi\",\"accessModes\":[\"ReadWriteOnce\"]}}}";
        for (int p = 0; p < partitions; p++) {
            companion.produce(Serdes.String(), Serdes.String())
                    .fromRecords(new ProducerRecord<>(topic, p, namespace + "/rd-" + p, destination)).awaitCompletion();
        }
        for (int p = 0; p < partitions; p++) {
            String job = "volsync-rsync-dst-rd-" + p;
            await().atMost(Duration.ofSeconds(30)).until(() -> runtime.jobs().get(namespace, job).isPresent());
        }
        assertThat(ownership.owned("ReplicationDestination")).hasSize(partitions);

        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "ferry-volsync-destinations");
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.Set<Integer> theirs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread second = new Thread(() -> {
            try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
                    new org.apache.kafka.clients.consumer.KafkaConsumer<>(props)) {
                consumer.subscribe(List.of(topic));
                while (!stop.get()) {
                    consumer.poll(Duration.ofMillis(100));
                    theirs.clear();
                    consumer.assignment().forEach(tp -> theirs.add(tp.partition()));
                }
            }
        }, "second-instance");
        second.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !theirs.isEmpty()
                    && ownership.owned("ReplicationDestination").size() + theirs.size() == partitions);
            java.util.Set<Integer> mine = ownership.owned("ReplicationDestination");
            assertThat(mine).as("shared, not duplicated").doesNotContainAnyElementsOf(Set.copyOf(theirs)).isNotEmpty();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (int p = 0; p < partitions; p++) {
                    assertThat(runtime.jobs().get(namespace, "volsync-rsync-dst-rd-" + p).isPresent())
                            .as("rd-%d's job runs here iff its partition is here", p).isEqualTo(mine.contains(p));
                }
            });
        } finally {
            stop.set(true);
            second.join(30_000);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int p = 0; p < partitions; p++) {
                assertThat(runtime.jobs().get(namespace, "volsync-rsync-dst-rd-" + p))
                        .as("rd-%d back here once the other instance left", p).isPresent();
            }
        });
        for (int p = 0; p < partitions; p++) {
            produce(topic, namespace + "/rd-" + p, null, null);
        }
    }

    @Test
    void givenAnObjectFirstSentWithoutUid_whenALaterRecordNamesOne_thenItIsStillTheSameObject() throws Exception {
        String namespace = ns + "-nouid";
        String key = namespace + "/app";
        String spec = manualRcloneSpec(namespace);
        produce("volsync.replication-sources", key,
                "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\"," + spec + "}", null);
        JsonNode done = await().atMost(Duration.ofSeconds(60)).until(() -> latestStatus(key).orElse(null),
                st -> st != null && !st.isNull() && "go".equals(st.path("status").path("lastManualSync").asText())
                        && "WaitingForManual".equals(st.path("status").path("conditions").path(0).path("reason")
                                .asText()));
        String uid = done.path("metadata").path("uid").asText();

        produce("volsync.replication-sources", key, "{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\",\"metadata\":{\"uid\":\"" + UUID.randomUUID() + "\","
                + "\"labels\":{\"seen\":\"again\"}}," + spec + "}", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> repository.find(new ObjectRef("ReplicationSource",
                new dev.ferry.replication.api.ObjectKey(namespace, "app"))).await().atMost(Duration.ofSeconds(5))
                .map(row -> row.object().contains("again")).orElse(false));
        Thread.sleep(1000);
        assertThat(statuses.stream().filter(r -> key.equals(r.key())).noneMatch(r -> r.value() == null))
                .as("not finalised: the uid Ferry made up is no other object's").isTrue();
        JsonNode after = latestStatus(key).orElseThrow();
        assertThat(after.path("metadata").path("uid").asText()).isEqualTo(uid);
        assertThat(after.path("status").path("lastSyncTime").asText())
                .isEqualTo(done.path("status").path("lastSyncTime").asText());
    }

    @Test
    void givenASyncthingSourcePublished_whenReconciled_thenItsDeviceIsInTheStatusUntilATombstoneStopsIt()
            throws Exception {
        Files.createDirectories(runtime.config().volumesRoot().resolve(ns).resolve("shared"));
        produce("volsync.replication-sources", ns + "/share", """
                {"apiVersion":"volsync.backube/v1alpha1","kind":"ReplicationSource",
                 "metadata":{"name":"share","namespace":"%s"},
                 "spec":{"sourcePVC":"shared","syncthing":{"peers":[]}}}""".formatted(ns), null);
        JsonNode status = await().atMost(Duration.ofSeconds(60)).until(() -> latestStatus(ns + "/share")
                .map(s -> s.path("status")).orElse(null), s -> s != null && s.path("syncthing").has("ID"));
        assertThat(status.path("syncthing").path("ID").asText()).matches("([A-Z2-7]{7}-){7}[A-Z2-7]{7}");
        assertThat(status.path("syncthing").path("address").asText()).matches("tcp://127\\.0\\.0\\.1:\\d+");
        assertThat(status.path("conditions").get(0).path("reason").asText()).isEqualTo("SyncInProgress");
        assertThat(runtime.jobs().get(ns, "volsync-share")).isPresent();

        produce("volsync.replication-sources", ns + "/share", null, null);
        // The job goes first, then what the source made (finalizeDeleted's order): wait for the last of them.
        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.jobs().get(ns, "volsync-share").isEmpty()
                && !Files.exists(runtime.config().volumesRoot().resolve(ns).resolve("volsync-share-config")));
        assertThat(Files.exists(runtime.config().volumesRoot().resolve(ns).resolve("shared")))
                .as("the user's volume survives the delete").isTrue();
    }
}
