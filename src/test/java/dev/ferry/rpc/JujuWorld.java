package dev.ferry.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.client.FerryClient;
import dev.ferry.client.RpcResponse;

/**
 * Test fixture: a model the tests own, its machines published as model events, and signed clients for the
 * bootstrap callers. Talks to Ferry only through Kafka, as a real controller would.
 */
public final class JujuWorld implements AutoCloseable {

    public static final String ADMIN = "user-admin";
    public static final String ADMIN_PASSWORD = "test-admin-password-0123456789";
    public static final String CONTROLLER = "machine-0";
    public static final String CONTROLLER_PASSWORD = "test-controller-password-0123456789";
    public static final Duration WAIT = Duration.ofSeconds(60);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public final String bootstrapServers;
    public final String model = UUID.randomUUID().toString();
    private final KafkaProducer<String, byte[]> events;
    private final List<FerryClient> clients = new ArrayList<>();

    public JujuWorld(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.events = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    public FerryClient client(String caller, String password) {
        FerryClient client = FerryClient.builder().bootstrapServers(bootstrapServers).callerTag(caller)
                .password(password).timeout(WAIT).build();
        clients.add(client);
        return client;
    }

    public FerryClient controller() {
        return client(CONTROLLER, CONTROLLER_PASSWORD);
    }

    /** Publishes a model event and returns its id. */
    public String event(String kind, String action, Map<String, Object> data) {
        String id = UUID.randomUUID().toString();
        publishEvent(Map.of("event-id", id, "model-uuid", model, "kind", kind, "action", action, "data", data));
        return id;
    }

    public void publishEvent(Map<String, Object> event) {
        try {
            events.send(new ProducerRecord<>("juju.model.events", model, MAPPER.writeValueAsBytes(event)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void publishRaw(String key, String value) {
        try {
            events.send(new ProducerRecord<>("juju.model.events", key, value.getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates the model and waits until Ferry knows it. */
    public JujuWorld withModel() {
        event("model", "added", Map.of("name", "test-" + model.substring(0, 8), "owner-tag", ADMIN, "cloud", "lxd"));
        FerryClient controller = controller();
        Awaitility.await().atMost(WAIT).until(() -> {
            RpcResponse answer = call(controller, "ModelUUID", null);
            return !answer.isError() && answer.response().path("error").isMissingNode();
        });
        return this;
    }

    /** Adds machines by id (e.g. "1", "1/lxd/0") and waits until Ferry has applied them. */
    public JujuWorld withMachines(String... ids) {
        for (String id : ids) {
            event("machine", "added", Map.of("machine-id", id, "base", "ubuntu@22.04"));
        }
        FerryClient controller = controller();
        String last = "machine-" + ids[ids.length - 1].replace('/', '-');
        if (!last.contains("-lxd-")) {
            Awaitility.await().atMost(WAIT).until(() -> {
                RpcResponse answer = call(controller, "Life", Map.of("entities", List.of(Map.of("tag", last))));
                return !answer.isError() && answer.response().path("results").get(0).path("error").isMissingNode();
            });
        }
        return this;
    }

    public RpcResponse call(FerryClient client, String method, Object params) {
        return client.call(model, "Provisioner", 11, method, params).await().atMost(WAIT);
    }

    public static void assertPerm(com.fasterxml.jackson.databind.JsonNode error) {
        assertThat(error.path("message").asText()).isEqualTo("permission denied");
        assertThat(error.path("code").asText()).isEqualTo("unauthorized access");
    }

    /** A read_committed consumer of every partition of the topic, positioned at the end (sees only what comes). */
    public KafkaConsumer<String, byte[]> consumerAtEnd(String topic) {
        Map<String, Object> props = new java.util.HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    public static JsonNode json(byte[] value) {
        try {
            return MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        clients.forEach(FerryClient::close);
        events.close();
    }
}
