package dev.ferry.replication.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.replication.support.RcloneToLocalPath;
import dev.ferry.rpc.FerryProcess;

/**
 * Benchmark (run with {@code ./mvnw verify -Pbench}, not part of the test suite): how long after a ReplicationSource
 * is published its mover's tool is running, through the packaged Ferry, the embedded broker and database. The rclone
 * binary is a wrapper that notes the wall clock when it starts, then runs rclone; the time from just before the send
 * to that note is the latency. Baseline in the same run: a record's way from the same producer to a plain consumer
 * polling the same broker. Objects one at a time (each synced before the next is published), then bursts of
 * {@code bench.burst} objects published together. Prints figures; asserts only that every mover ran and succeeded.
 */
class ReplicationLatencyBench {

    private static final int OBJECTS = Integer.getInteger("bench.objects", 100);
    private static final int BURST = Integer.getInteger("bench.burst", 16);
    private static final int BURSTS = Integer.getInteger("bench.bursts", 3);
    private static final long TARGET_MICROS = 100_000;
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, JsonNode> statuses = new ConcurrentHashMap<>();
    /** When Ferry sent each object's first status (the producer's timestamp, ms): the pass before the job. */
    private final Map<String, Long> firstStatusMillis = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    private RcloneToLocalPath replication;
    private String ns;
    private ToolStarts starts;

    @Test
    void publishedToMoverRunning() throws Exception {
        replication = new RcloneToLocalPath("latency");
        ns = replication.namespace();
        Path root = replication.root();
        Path toolLog = Files.createFile(root.resolve("rclone-starts.log"));
        Path wrapper = root.resolve("rclone");
        // bash's EPOCHREALTIME reads the clock without starting another process.
        Files.writeString(wrapper, "#!/bin/bash\nprintf '%s %s\\n' \"$EPOCHREALTIME\" \"$*\" >> '" + toolLog
                + "'\nexec rclone \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        starts = new ToolStarts(toolLog);
        Map<String, String> settings = new HashMap<>(replication.settings());
        settings.put("ferry.replication.tools.rclone", wrapper.toString());

        List<String> report = new ArrayList<>();
        try (FerryProcess ferry = new FerryProcess(settings)) {
            String bootstrap = ferry.bootstrapServers();
            report.add(summary("plain produce -> consume, one at a time", baseline(bootstrap)));
            report.add(summary("the same tools started directly, " + BURST + " together (" + BURSTS + " bursts)",
                    directBursts(wrapper)));
            Thread statusReader = new Thread(() -> readStatuses(bootstrap), "status-reader");
            statusReader.setDaemon(true);
            statusReader.start();
            ferry.start(Map.of());
            try (KafkaProducer<String, String> producer = producer(bootstrap)) {
                // Ferry's start, its group join and the first pass's class loading are not what is measured.
                publishAndAwait(producer, "warm-up", nowMicros());
                oneAtATime(ferry, producer, report);
                bursts(producer, report);
            } finally {
                stop.set(true);
            }
            // Gracefully: a flight recording asked for with -Dbench.jvm-args is written on the way out.
            ferry.stop();
        }
        System.out.println("\n=== Replication latency (target: mover running <= 100 ms after publish) ===");
        report.forEach(System.out::println);
    }

    private void oneAtATime(FerryProcess ferry, KafkaProducer<String, String> producer, List<String> report)
            throws Exception {
        long cpuBefore = 0;
        long[] toTool = new long[OBJECTS];
        long[] toStatus = new long[OBJECTS];
        for (int i = 0; i < OBJECTS; i++) {
            if (i == OBJECTS / 2) {
                // The first half warms the JIT compiler, whose threads' time counts as the process's.
                cpuBefore = cpuMillis(ferry.pid());
            }
            long sent = nowMicros();
            toTool[i] = publishAndAwait(producer, "one-" + i, sent);
            toStatus[i] = firstStatusMillis.get(ns + "/one-" + i) * 1000 - sent;
        }
        report.add(summary("Ferry: published -> mover's tool running, one at a time", toTool));
        report.add(summary("  of which published -> first status sent (the pass before the job)", toStatus));
        report.add(String.format(Locale.ROOT, "Ferry's own CPU time per object's sync, second half of those (its "
                + "JVM, all threads; not the movers' processes): %.1f ms",
                (cpuMillis(ferry.pid()) - cpuBefore) / (double) (OBJECTS - OBJECTS / 2)));
    }

    private void bursts(KafkaProducer<String, String> producer, List<String> report) throws Exception {
        long[] toTool = new long[BURST * BURSTS];
        long[] toStatus = new long[BURST * BURSTS];
        for (int round = 0; round < BURSTS; round++) {
            Map<String, Long> sentAt = new LinkedHashMap<>();
            for (int i = 0; i < BURST; i++) {
                String name = "burst-" + round + "-" + i;
                sentAt.put(name, nowMicros());
                producer.send(new ProducerRecord<>("volsync.replication-sources", ns + "/" + name, source(name)));
            }
            producer.flush();
            int i = round * BURST;
            StringBuilder inOrder = new StringBuilder();
            for (Map.Entry<String, Long> sent : sentAt.entrySet()) {
                toTool[i] = starts.await(sent.getKey()) - sent.getValue();
                inOrder.append(inOrder.isEmpty() ? "" : ", ").append(toTool[i++] / 1000);
            }
            System.out.println("burst " + round + ", ms in publish order: " + inOrder);
            i = round * BURST;
            for (Map.Entry<String, Long> sent : sentAt.entrySet()) {
                awaitSynced(sent.getKey());
                toStatus[i++] = firstStatusMillis.get(ns + "/" + sent.getKey()) * 1000 - sent.getValue();
            }
        }
        report.add(summary("Ferry: published -> mover's tool running, " + BURST + " published together (" + BURSTS
                + " bursts)", toTool));
        report.add(summary("  of which published -> first status sent", toStatus));
    }

    /**
     * What starting that many movers at once costs without Ferry: each burst starts, back to back, what a mover job
     * starts first (getfacl beside the wrapped rclone sync), and times each wrapper's start from its own launch.
     */
    private long[] directBursts(Path wrapper) throws Exception {
        Path data = replication.root().resolve("volumes").resolve("direct");
        Files.write(Files.createDirectories(data).resolve("file"), "payload".getBytes(StandardCharsets.UTF_8));
        long[] micros = new long[BURST * BURSTS];
        for (int round = 0; round < BURSTS; round++) {
            List<Process> processes = new ArrayList<>();
            Map<String, Long> launchedAt = new LinkedHashMap<>();
            for (int i = 0; i < BURST; i++) {
                String name = "direct-" + round + "-" + i;
                launchedAt.put(name, nowMicros());
                processes.add(new ProcessBuilder("getfacl", "-R", ".").directory(data.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                ProcessBuilder sync = new ProcessBuilder(wrapper.toString(), "sync", data.toString(),
                        "store:" + replication.remote(name), "--log-level", "DEBUG")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                sync.environment().put("RCLONE_CONFIG_STORE_TYPE", "local");
                processes.add(sync.start());
            }
            int i = round * BURST;
            for (Map.Entry<String, Long> launched : launchedAt.entrySet()) {
                micros[i++] = starts.await(launched.getKey()) - launched.getValue();
            }
            for (Process process : processes) {
                assertThat(process.waitFor()).as("direct run's exit code").isZero();
            }
        }
        return micros;
    }

    /** Publishes one source (manual trigger) and returns microseconds from the send to its tool's start. */
    private long publishAndAwait(KafkaProducer<String, String> producer, String name, long sent) throws Exception {
        producer.send(new ProducerRecord<>("volsync.replication-sources", ns + "/" + name, source(name)))
                .get();
        long started = starts.await(name);
        awaitSynced(name);
        return started - sent;
    }

    private void awaitSynced(String name) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = statuses.get(ns + "/" + name);
            if (status != null && RcloneToLocalPath.TRIGGER.equals(status.path("status").path("lastManualSync").asText())) {
                assertThat(status.path("status").path("latestMoverStatus").path("result").asText())
                        .as(name + "'s mover").isEqualTo("Successful");
                return;
            }
            Thread.sleep(2);
        }
        throw new AssertionError(name + ": no completed sync within " + WAIT);
    }

    private String source(String name) {
        return replication.source(name, null);
    }

    private void readStatuses(String bootstrap) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            consumer.subscribe(List.of("volsync.status"));
            while (!stop.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(20))) {
                    if (record.value() != null) {
                        firstStatusMillis.putIfAbsent(record.key(), record.timestamp());
                        try {
                            statuses.put(record.key(), mapper.readTree(record.value()));
                        } catch (Exception e) {
                            throw new IllegalStateException("status of " + record.key() + " is not JSON", e);
                        }
                    }
                }
            }
        }
    }

    /** The same producer settings, a consumer polling as Ferry's does (20 ms), on a topic of its own. */
    private long[] baseline(String bootstrap) throws Exception {
        String topic = "bench.latency-" + UUID.randomUUID();
        long[] micros = new long[OBJECTS];
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = producer(bootstrap);
                KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            consumer.subscribe(List.of(topic));
            producer.send(new ProducerRecord<>(topic, "warm-up", "x")).get();
            awaitRecord(consumer, "warm-up");
            for (int i = 0; i < OBJECTS; i++) {
                long sent = nowMicros();
                producer.send(new ProducerRecord<>(topic, "k" + i, "x")).get();
                micros[i] = awaitRecord(consumer, "k" + i) - sent;
            }
        }
        return micros;
    }

    private static long awaitRecord(KafkaConsumer<String, String> consumer, String key) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(20))) {
                if (key.equals(record.key())) {
                    return nowMicros();
                }
            }
        }
        throw new AssertionError("record " + key + " not consumed within " + WAIT);
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer());
    }

    /** utime + stime of a process, from /proc (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return ChronoUnit.MICROS.between(Instant.EPOCH, now);
    }

    private static String summary(String what, long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        long within = Arrays.stream(sorted).filter(m -> m <= TARGET_MICROS).count();
        return String.format(Locale.ROOT, "%-75s n=%3d  p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms  "
                + "<=100 ms: %d/%d", what, sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.90),
                percentile(sorted, 0.99), sorted[sorted.length - 1] / 1000.0, within, sorted.length);
    }

    /** Nearest rank. */
    private static double percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1000.0;
    }

    /** The wrapper's notes: the first start of rclone whose arguments name an object's remote path. */
    private static final class ToolStarts {
        private final Path log;
        private final Map<String, Long> firstStart = new HashMap<>();
        private final StringBuilder unread = new StringBuilder();
        private long offset;

        ToolStarts(Path log) {
            this.log = log;
        }

        long await(String name) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
                    ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, channel.size() - offset));
                    offset += channel.read(buffer, offset) > 0 ? buffer.position() : 0;
                    unread.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
                }
                // Only whole lines: a wrapper may be writing the last one right now.
                int complete = unread.lastIndexOf("\n") + 1;
                String whole = unread.substring(0, complete);
                unread.delete(0, complete);
                for (String line : whole.split("\n")) {
                    int at = line.indexOf("/remote/");
                    if (at >= 0) {
                        String[] clock = line.substring(0, line.indexOf(' ')).split("\\.");
                        long micros = Long.parseLong(clock[0]) * 1_000_000 + Long.parseLong(clock[1]);
                        String object = line.substring(at + "/remote/".length(), line.indexOf(".d ", at));
                        firstStart.putIfAbsent(object, micros);
                    }
                }
                Long start = firstStart.get(name);
                if (start != null) {
                    return start;
                }
                Thread.sleep(1);
            }
            throw new AssertionError("the mover of " + name + " did not start within " + WAIT);
        }
    }
}
