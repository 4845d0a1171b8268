package dev.ferry.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.ferry.client.FerryClient;
import dev.ferry.client.RpcResponse;

/**
 * Benchmark (run with {@code ./mvnw verify -Pbench}, not part of the test suite): requests per second through the
 * packaged Ferry with exactly-once on, at batch sizes 100 and 500, against a plain consume→produce loop over the
 * same records in the same run (no database, no transactions: the ceiling the broker allows here), and the time
 * per request at low load. Prints figures; asserts only that every request was answered.
 */
class RpcThroughputBench {

    private static final int REQUESTS = Integer.getInteger("bench.requests", 20_000);
    private static final int MODELS = 12;
    private static final double REFERENCE_PER_SECOND = 5_000;
    /**
     * Backlogs drained by the running process after the cold one. Both JVMs (Ferry's, and the broker's here) keep
     * compiling for the first few hundred thousand requests, so steady is the median of the last three rounds.
     */
    private static final int ROUNDS = Math.max(3, Integer.getInteger("bench.rounds", 8));

    @Test
    void exactlyOnceThroughputAndLatency() throws Exception {
        List<String> report = new ArrayList<>();
        try (FerryProcess ferry = new FerryProcess(Map.of("ferry.rpc.instance-id", "bench"))) {
            ferry.start(Map.of());
            List<JujuWorld> worlds = new ArrayList<>();
            for (int i = 0; i < MODELS; i++) {
                worlds.add(new JujuWorld(ferry.bootstrapServers()).withModel().withMachines("0", "1"));
            }
            FerryClient controller = worlds.get(0).controller();
            report.add(latency(worlds.get(0), controller));
            // From here on the worlds only lend their model UUIDs and the controller's signer: their clients would
            // otherwise each read every response of the runs, load that is not Ferry's.
            worlds.forEach(JujuWorld::close);
            ferry.stop();

            double plain = plainLoop(ferry.bootstrapServers(), worlds, controller);
            report.add(String.format("plain consume->produce loop (no DB, no transactions): %,.0f records/s", plain));
            for (String batchSize : System.getProperty("bench.batches", "100,500").split(",")) {
                int batch = Integer.parseInt(batchSize.trim());
                double[] rate = exactlyOnce(ferry, worlds, controller, batch);
                double steady = medianOfLastThree(rate);
                StringBuilder rounds = new StringBuilder();
                for (int round = 1; round < rate.length; round++) {
                    rounds.append(round == 1 ? "" : ", ").append(String.format("%,.0f", rate[round]));
                }
                report.add(String.format("Ferry exactly-once, batch %d: %,.0f requests/s steady = %.2f x plain loop, "
                        + "%.1f x the 5,000/s reference (cold start %,.0f/s; warm rounds %s)", batch, steady,
                        steady / plain, steady / REFERENCE_PER_SECOND, rate[0], rounds));
            }
        }
        System.out.println("\n=== RPC benchmark (" + REQUESTS + " requests, " + MODELS + " models) ===");
        report.forEach(System.out::println);
    }

    /**
     * Rates per batch size (first to last response). Cold: the requests are pre-loaded with Ferry stopped, then Ferry
     * starts and drains them (JIT compilation of a fresh JVM included). Then {@code bench.rounds} warm rounds: the
     * running process is frozen (SIGSTOP) while a backlog of the same size is produced, then thawed and timed draining
     * it, so the load generator never shares the CPU with what is measured; the rounds show the JIT settling.
     */
    private double[] exactlyOnce(FerryProcess ferry, List<JujuWorld> worlds, FerryClient controller, int batch)
            throws Exception {
        try (KafkaConsumer<String, byte[]> responses = worlds.get(0).consumerAtEnd("juju.rpc.responses")) {
            Set<String> pending = produceRequests(worlds, controller);
            long started = System.nanoTime();
            ferry.start(Map.of("ferry.rpc.max-batch", Integer.toString(batch)));
            long[] cold = drain(responses, pending);
            System.out.printf("batch %d: first response %.1f s after start%n", batch, (cold[0] - started) / 1e9);
            List<Double> rates = new ArrayList<>(List.of(rate(cold)));
            for (int round = 1; round <= ROUNDS; round++) {
                ferry.pause();
                pending = produceRequests(worlds, controller);
                ferry.resume();
                // Optional profiling of every warm round (the file of the last one remains): -Dbench.profile-steady=
                // <agent library>|<start options>|<stop options>, e.g. async-profiler's
                // libasyncProfiler.so|start,event=cpu|stop,collapsed,file=f-{process}.txt
                String[] profile = System.getProperty("bench.profile-steady", "")
                        .replace("{batch}", Integer.toString(batch)).split("\\|");
                long[] profiled = { ferry.pid(), ProcessHandle.current().pid() };
                if (profile.length == 3) {
                    for (long pid : profiled) {
                        loadAgent(pid, profile[0], profile[1]);
                    }
                }
                rates.add(rate(drain(responses, pending)));
                if (profile.length == 3) {
                    for (long pid : profiled) {
                        // {process}: "ferry", or "bench" for this JVM (the embedded broker and the load generator)
                        loadAgent(pid, profile[0], profile[2].replace("{process}", pid == ferry.pid() ? "ferry" : "bench"));
                    }
                }
            }
            ferry.stop();
            return rates.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    private static double medianOfLastThree(double[] rates) {
        double[] last = Arrays.copyOfRange(rates, rates.length - 3, rates.length);
        Arrays.sort(last);
        return last[1];
    }

    /** Arrival time of each response, in order, until every correlation id in {@code pending} is answered. */
    private static long[] drain(KafkaConsumer<String, byte[]> responses, Set<String> pending) {
        long[] times = new long[REQUESTS];
        int answered = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : responses.poll(Duration.ofMillis(200))) {
                var header = r.headers().lastHeader("ferry-correlation-id");
                if (header != null && pending.remove(new String(header.value(), StandardCharsets.UTF_8))) {
                    times[answered++] = System.nanoTime();
                }
            }
        }
        assertThat(pending).as("unanswered requests").isEmpty();
        return times;
    }

    private static double rate(long[] times) {
        return times.length / ((times[times.length - 1] - times[0]) / 1e9);
    }

    private static void loadAgent(long pid, String library, String options) throws Exception {
        com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid));
        try {
            vm.loadAgentPath(library, options);
        } finally {
            vm.detach();
        }
    }

    private Set<String> produceRequests(List<JujuWorld> worlds, FerryClient controller) throws Exception {
        Set<String> correlations = new HashSet<>();
        try (KafkaProducer<String, byte[]> producer = producer(worlds.get(0).bootstrapServers)) {
            for (int i = 0; i < REQUESTS; i++) {
                String model = worlds.get(i % worlds.size()).model;
                String correlation = UUID.randomUUID().toString();
                correlations.add(correlation);
                producer.send(controller.signer().sign(controller.record(model,
                        ("{\"request-id\":" + i + ",\"type\":\"Provisioner\",\"version\":11,\"request\":\"Life\","
                                + "\"params\":{\"entities\":[{\"tag\":\"machine-" + (i % 2) + "\"}]}}")
                                .getBytes(StandardCharsets.UTF_8)),
                        correlation, System.currentTimeMillis()));
            }
            producer.flush();
        }
        return correlations;
    }

    /** The same kind of records, consumed and answered by the simplest loop possible: the ceiling here. */
    private double plainLoop(String bootstrap, List<JujuWorld> worlds, FerryClient controller) throws Exception {
        String in = "bench.plain." + UUID.randomUUID();
        String out = in + ".out";
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(in, 12, (short) 1),
                    new org.apache.kafka.clients.admin.NewTopic(out, 12, (short) 1))).all().get();
            // Produce only once every partition has a leader; a brand-new topic otherwise bounces the first batches.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin
                    .describeTopics(List.of(in, out)).allTopicNames().get().values().stream()
                    .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())));
        }
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < REQUESTS; i++) {
                producer.send(new ProducerRecord<>(in, worlds.get(i % worlds.size()).model,
                        ("{\"request-id\":" + i + ",\"type\":\"Provisioner\"}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(in));
                int seen = 0;
                long first = 0;
                while (seen < REQUESTS) {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                    if (!records.isEmpty() && first == 0) {
                        first = System.nanoTime();
                    }
                    for (ConsumerRecord<String, byte[]> r : records) {
                        producer.send(new ProducerRecord<>(out, r.key(), r.value()));
                        seen++;
                    }
                    producer.flush();
                    consumer.commitSync();
                }
                return REQUESTS / ((System.nanoTime() - first) / 1e9);
            }
        }
    }

    /** One call at a time through the real broker: the time a caller waits at low load. */
    private String latency(JujuWorld world, FerryClient controller) {
        int calls = 300;
        long[] micros = new long[calls];
        for (int i = 0; i < calls + 20; i++) {
            long begin = System.nanoTime();
            RpcResponse answer = controller.call(world.model, "Provisioner", 11, "Life",
                    Map.of("entities", List.of(Map.of("tag", "machine-0")))).await().atMost(JujuWorld.WAIT);
            long took = (System.nanoTime() - begin) / 1000;
            assertThat(answer.isError()).isFalse();
            if (i >= 20) {
                micros[i - 20] = took;
            }
        }
        Arrays.sort(micros);
        return String.format("low load, one call at a time (%d calls): median %.1f ms, p99 %.1f ms, max %.1f ms", calls,
                micros[calls / 2] / 1000.0, micros[(int) (calls * 0.99)] / 1000.0, micros[calls - 1] / 1000.0);
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                new ByteArraySerializer());
    }
}
