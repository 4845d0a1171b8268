package dev.ferry.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/**
 * The lane on its own, against the real broker, with a processor that echoes records: output exactly once and in
 * order per key while two polls are in flight; a failed Kafka transaction rewinds both polls in flight; a record that
 * keeps failing is isolated and dead-lettered while the records around it are answered.
 */
@QuarkusTest
class ExactlyOnceLaneTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void givenThousandsOfRecords_whenLanesPipelineTheirCommits_thenEachIsAnsweredOnceAndInOrderPerKey() throws Exception {
        Echo echo = new Echo();
        try (Topics topics = new Topics()) {
            List<String> sent = topics.produce(3_000, i -> "r" + i);
            Map<String, List<String>> answered = topics.runAndRead(echo, 100, sent.size());
            assertExactlyOnceInOrder(answered, sent);
        }
    }

    @Test
    void givenAKafkaTransactionThatFails_whenTheNextPollIsInFlight_thenBothAreRewoundAndNothingIsLostOrDoubled()
            throws Exception {
        Echo echo = new Echo();
        // One lane, two partitions of 50 records, polls of 50: the first poll holds one partition, the poll in flight
        // behind it the other. Each holds a record whose first Kafka transaction fails, so whichever comes first
        // fails while the other is in flight, and only rewinding both loses nothing.
        try (Topics topics = new Topics(2, 1)) {
            List<String> sent = new ArrayList<>();
            for (int partition = 0; partition < 2; partition++) {
                int p = partition;
                sent.addAll(topics.produceTo(partition, 50, i -> (i == 20 ? "kafka-fails-once-" : "") + "p" + p + "-" + i));
            }
            Map<String, List<String>> answered = topics.runAndRead(echo, 50, sent.size());
            assertExactlyOnceInOrder(answered, sent);
            assertThat(echo.attempts.get("kafka-fails-once-p0-20").get()).as("the failed batch was processed again")
                    .isGreaterThanOrEqualTo(2);
            assertThat(echo.attempts.get("kafka-fails-once-p1-20").get()).isGreaterThanOrEqualTo(2);
            assertThat(topics.aborts()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void givenARecordThatAlwaysFails_whenItsBatchIsRetried_thenItAloneIsDeadLetteredWithTheReason() throws Exception {
        Echo echo = new Echo();
        try (Topics topics = new Topics()) {
            List<String> sent = topics.produce(40, i -> i == 17 ? "poison-r" + i : "r" + i);
            List<String> good = sent.stream().filter(v -> !v.startsWith("poison")).toList();
            Map<String, List<String>> answered = topics.runAndRead(echo, 100, good.size());
            assertExactlyOnceInOrder(answered, good);
            List<ConsumerRecord<String, String>> dead = topics.read(topics.in + ".dlq", 1);
            assertThat(dead).singleElement().satisfies(record -> {
                assertThat(record.value()).isEqualTo("poison-r17");
                assertThat(record.timestamp()).as("the record's own timestamp").isEqualTo(topics.poisonTimestamp);
                assertThat(new String(record.headers().lastHeader(BatchProcessor.DLQ_REASON_HEADER).value(),
                        StandardCharsets.UTF_8)).startsWith("processing failed repeatedly: ").contains("poisoned");
            });
        }
    }

    @Test
    void givenARecordThatAlwaysFails_whenTheProcessorCanStillAnswerIt_thenItIsAnsweredNotDeadLettered()
            throws Exception {
        Echo echo = new Echo();
        try (Topics topics = new Topics()) {
            List<String> sent = topics.produce(40, i -> i == 17 ? "poison-answerable-r" + i : "r" + i);
            Map<String, List<String>> answered = topics.runAndRead(echo, 100, sent.size());
            List<String> expected = sent.stream().map(v -> v.startsWith("poison") ? "unprocessable " + v : v).toList();
            assertExactlyOnceInOrder(answered, expected);
            assertThat(topics.read(topics.in + ".dlq", 0)).as("nothing dead-lettered").isEmpty();
        }
    }

    @Test
    void givenARecordThatFailsWhileTheDatabaseDoesNotAnswer_thenItIsKeptAndProcessedOnceItDoes() throws Exception {
        Echo echo = new Echo();
        echo.ready = false;
        try (Topics topics = new Topics()) {
            topics.produce(1, i -> "outage-r1");
            assertThat(topics.runAndRead(echo, 100, 0)).isEmpty();
            // Past the point where a record is dead-lettered, the processor is asked and says it is not ready.
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> echo.readinessAsked.get() >= 2);
            assertThat(topics.read(topics.in + ".dlq", 0)).as("an outage loses nothing").isEmpty();
            echo.ready = true;
            assertThat(topics.read(topics.out, 1)).as("once the database answers, the record is processed again")
                    .singleElement().satisfies(r -> assertThat(r.value()).isEqualTo("outage-r1"));
            assertThat(topics.read(topics.in + ".dlq", 0)).isEmpty();
        }
    }

    @Test
    void givenARecordThatFailedUntilTheDatabaseCameBack_whenItIsBackBeforeTheLaneAsks_thenTheRecordIsTriedAgain()
            throws Exception {
        Echo echo = new Echo();
        echo.databaseBackWhenAsked = true;
        try (Topics topics = new Topics()) {
            topics.produce(1, i -> "outage-r1");
            assertThat(topics.runAndRead(echo, 100, 1)).as("processed once the database was back")
                    .containsValue(List.of("outage-r1"));
            assertThat(topics.read(topics.in + ".dlq", 0)).as("an outage loses nothing").isEmpty();
        }
    }

    @Test
    void givenARecordTooLargeForTheDeadLetterTopic_whenItIsDeadLettered_thenItsValueIsCutAndTheLaneGoesOn()
            throws Exception {
        Echo echo = new Echo();
        try (Topics topics = new Topics(4, 2, Map.of("max.message.bytes", "32768"))) {
            String large = "poison-large-" + new java.util.Random(7).ints(100_000, 'a', 'z' + 1)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append);
            List<String> sent = topics.produce(3, i -> i == 1 ? large : "r" + i);
            Map<String, List<String>> answered = topics.runAndRead(echo, 100, 2);
            assertExactlyOnceInOrder(answered, sent.stream().filter(v -> !v.startsWith("poison")).toList());
            assertThat(topics.read(topics.in + ".dlq", 1)).singleElement().satisfies(record -> {
                assertThat(record.value()).as("the beginning of the record, enough to tell which")
                        .isEqualTo(large.substring(0, BatchProcessor.DLQ_TRUNCATED_BYTES));
                assertThat(new String(record.headers().lastHeader(BatchProcessor.DLQ_TRUNCATED_HEADER).value(),
                        StandardCharsets.UTF_8)).isEqualTo(Integer.toString(large.length()));
                assertThat(new String(record.headers().lastHeader(BatchProcessor.DLQ_REASON_HEADER).value(),
                        StandardCharsets.UTF_8)).contains("poisoned");
            });
        }
    }

    @Test
    void givenStaticMembers_whenTheLanesStopGracefully_thenTheyLeaveTheGroupAtOnce() throws Exception {
        // Static members that stay in the group after a graceful stop hold their partitions until the session times
        // out (45 s): an instance replaced under another name (a Deployment's pod) would stall them on every roll-out.
        try (Topics topics = new Topics()) {
            List<String> sent = topics.produce(20, i -> "r" + i);
            assertExactlyOnceInOrder(topics.runAndRead(new Echo(), 100, sent.size()), sent);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
                assertThat(members(admin, topics.group())).as("static members while running").hasSize(2);
                // A member stopped while the group rebalances has no member id to leave with: its session times
                // out as before. Stopped once the group is stable, both leave.
                Awaitility.await().atMost(WAIT).until(() -> admin.describeConsumerGroups(List.of(topics.group())).all()
                        .get().get(topics.group()).groupState() == GroupState.STABLE);
                topics.lanes.stop();
                Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(members(admin, topics.group())).as("members once stopped").isEmpty());
            }
        }
    }

    @Test
    void givenAMemberThatCrashed_whenAnotherJoinsAndTheGroupWaitsForIt_thenTheSurvivorGoesOnWithItsPartitions()
            throws Exception {
        try (Topics topics = new Topics(4, 1);
                Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Echo echo = new Echo();
            List<String> warm = topics.produce(8, i -> "w" + i);
            assertExactlyOnceInOrder(topics.runAndRead(echo, 100, warm.size()), warm);

            // A crashed instance: a static member that got partitions, then stopped without leaving. The group counts
            // it as a member until its session times out.
            Map<String, Object> ghostProps = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrapServers, ConsumerConfig.GROUP_ID_CONFIG, topics.group(),
                    ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "crashed", ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000,
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()));
            try (KafkaConsumer<String, String> crashed = new KafkaConsumer<>(ghostProps, new StringDeserializer(),
                    new StringDeserializer())) {
                crashed.subscribe(List.of(topics.in));
                Awaitility.await().atMost(WAIT).until(() -> {
                    crashed.poll(Duration.ofMillis(100));
                    return !crashed.assignment().isEmpty();
                });
            }
            List<Integer> survivors = admin.describeConsumerGroups(List.of(topics.group())).all().get()
                    .get(topics.group()).members().stream()
                    .filter(m -> !m.groupInstanceId().orElse("").equals("crashed"))
                    .flatMap(m -> m.assignment().topicPartitions().stream()).map(p -> p.partition()).toList();
            assertThat(survivors).isNotEmpty();

            // Its replacement joins under another name: the group rebalances, waiting for the crashed member.
            LaneGroup replacement = topics.lanes("replacement-" + UUID.randomUUID(), echo);
            replacement.start();
            try {
                // Once the group rebalances and each survivor has heard of it (a heartbeat every 3 s).
                Awaitility.await().atMost(WAIT).until(() -> admin.describeConsumerGroups(List.of(topics.group())).all()
                        .get().get(topics.group()).groupState() == GroupState.PREPARING_REBALANCE);
                Thread.sleep(4_000);
                long sentAt = System.nanoTime();
                List<String> during = new ArrayList<>();
                for (int partition : survivors) {
                    during.addAll(topics.produceTo(partition, 3, i -> "p" + partition + "-during-" + i));
                }
                List<String> answered = topics.read(topics.out, warm.size() + during.size()).stream()
                        .map(ConsumerRecord::value).toList();
                Duration took = Duration.ofNanos(System.nanoTime() - sentAt);
                assertThat(answered).containsAll(during);
                assertThat(members(admin, topics.group())).as("the crashed member, still waited for")
                        .contains("crashed");
                assertThat(took).as("the survivor's partitions while the group waits for the crashed member "
                        + "(eagerly, every partition stops until its session times out)")
                        .isLessThan(Duration.ofSeconds(10));
            } finally {
                replacement.stop();
            }
        }
    }

    private static List<String> members(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                .map(m -> m.groupInstanceId().orElse(m.consumerId())).toList();
    }

    private static void assertExactlyOnceInOrder(Map<String, List<String>> answered, List<String> sent) {
        Map<String, List<String>> expected = new HashMap<>();
        for (String value : sent) {
            expected.computeIfAbsent(Topics.keyOf(value), k -> new ArrayList<>()).add(value);
        }
        assertThat(answered).isEqualTo(expected);
    }

    /**
     * Echoes each record to the output topic. {@code poison-…} fails every batch it is in; {@code kafka-fails-once-…}
     * adds, the first time, an output record larger than a request may be, so that batch's Kafka transaction aborts.
     */
    static final class Echo implements BatchProcessor {
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final AtomicInteger readinessAsked = new AtomicInteger();
        volatile boolean ready = true;
        /** The database is away until the lane first asks whether it answers, and back by then. */
        volatile boolean databaseBackWhenAsked;
        volatile String out;

        @Override
        public Uni<Boolean> ready() {
            readinessAsked.incrementAndGet();
            if (databaseBackWhenAsked) {
                databaseBackWhenAsked = false;
                ready = true;
            }
            return Uni.createFrom().item(ready);
        }

        @Override
        public Uni<List<ProducerRecord<String, byte[]>>> process(List<ConsumerRecord<String, byte[]>> records) {
            List<ProducerRecord<String, byte[]>> output = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                int attempt = attempts.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
                if (value.startsWith("poison")) {
                    return Uni.createFrom().failure(new IllegalStateException("poisoned record " + value));
                }
                if (value.startsWith("outage") && (!ready || databaseBackWhenAsked)) {
                    return Uni.createFrom().failure(new IllegalStateException("database unavailable"));
                }
                if (value.startsWith("kafka-fails-once") && attempt == 1) {
                    output.add(new ProducerRecord<>(out, record.key(), new byte[11 * 1024 * 1024]));
                }
                output.add(new ProducerRecord<>(out, record.key(), record.value()));
            }
            return Uni.createFrom().item(output);
        }

        @Override
        public List<ProducerRecord<String, byte[]>> unprocessable(ConsumerRecord<String, byte[]> record,
                String failure) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            return value.startsWith("poison-answerable") && failure.contains("poisoned")
                    ? List.of(new ProducerRecord<>(out, record.key(), ("unprocessable " + value).getBytes(
                            StandardCharsets.UTF_8)))
                    : List.of();
        }
    }

    /** Fresh input, output and dead-letter topics for one test, and the lanes that join them. */
    final class Topics implements AutoCloseable {
        final String in = "lane-test-" + UUID.randomUUID();
        final long poisonTimestamp = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        final String out = in + ".out";
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final int laneCount;
        LaneGroup lanes;

        Topics() throws Exception {
            this(4, 2);
        }

        Topics(int partitions, int laneCount) throws Exception {
            this(partitions, laneCount, Map.of());
        }

        Topics(int partitions, int laneCount, Map<String, String> dlqConfigs) throws Exception {
            this.laneCount = laneCount;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
                admin.createTopics(List.of(new NewTopic(in, partitions, (short) 1), new NewTopic(out, partitions, (short) 1),
                        new NewTopic(in + ".dlq", 1, (short) 1).configs(dlqConfigs))).all().get();
                Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> admin
                        .describeTopics(List.of(in, out, in + ".dlq")).allTopicNames().get().values().stream()
                        .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null)));
            }
        }

        String group() {
            return in + "-group";
        }

        /** Six keys, or one per partition for values written to a chosen partition ({@code p<N>-…}). */
        static String keyOf(String value) {
            java.util.regex.Matcher partition = java.util.regex.Pattern.compile("p(\\d+)-").matcher(value);
            return partition.find() ? "partition-" + partition.group(1)
                    : "key-" + Math.floorMod(value.replaceAll("\\D", "").hashCode(), 6);
        }

        List<String> produce(int count, java.util.function.IntFunction<String> value) throws Exception {
            return produceTo(null, count, value);
        }

        List<String> produceTo(Integer partition, int count, java.util.function.IntFunction<String> value)
                throws Exception {
            List<String> sent = new ArrayList<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < count; i++) {
                    String v = value.apply(i);
                    sent.add(v);
                    // A poisoned record is dated an hour back, so that its dead letter shows it keeps its own time.
                    producer.send(new ProducerRecord<>(in, partition, v.startsWith("poison") ? poisonTimestamp : null,
                            keyOf(v), v));
                }
                producer.flush();
            }
            return sent;
        }

        /** Starts the lanes over the input and reads {@code expected} output records, grouped by key in order. */
        Map<String, List<String>> runAndRead(Echo echo, int maxBatch, int expected) throws Exception {
            echo.out = out;
            lanes = lanes("test-" + UUID.randomUUID(), echo, maxBatch);
            lanes.start();
            Map<String, List<String>> byKey = new HashMap<>();
            for (ConsumerRecord<String, String> record : read(out, expected)) {
                byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
            }
            return byKey;
        }

        /** Lanes of another instance in the same group, echoing to the same output (not started). */
        LaneGroup lanes(String instanceId, Echo echo) {
            return lanes(instanceId, echo, 100);
        }

        private LaneGroup lanes(String instanceId, Echo echo, int maxBatch) {
            Map<String, Object> kafka = new HashMap<>(KafkaClientProperties.from(ConfigProvider.getConfig()));
            return new LaneGroup(new LaneSettings("lanetest", in, group(), instanceId, laneCount, maxBatch,
                    Duration.ofMillis(100), Duration.ofSeconds(30), kafka), echo, registry);
        }

        /** Reads a topic with read_committed until {@code expected} records, then a little longer for extras. */
        List<ConsumerRecord<String, String>> read(String topic, int expected) {
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                long deadline = System.nanoTime() + WAIT.toNanos();
                long settleUntil = Long.MAX_VALUE;
                while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                    ConsumerRecords<String, String> polled = consumer.poll(Duration.ofMillis(200));
                    polled.forEach(seen::add);
                    if (seen.size() >= expected && settleUntil == Long.MAX_VALUE) {
                        settleUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                    }
                }
            }
            return seen;
        }

        double aborts() {
            return registry.get("ferry.lane.aborts").counter().count();
        }

        @Override
        public void close() throws Exception {
            if (lanes != null) {
                lanes.stop();
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
                admin.deleteTopics(Set.of(in, out, in + ".dlq")).all().get();
            }
        }
    }
}
