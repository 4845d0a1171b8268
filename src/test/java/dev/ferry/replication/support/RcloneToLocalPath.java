package dev.ferry.replication.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * For a Ferry process of its own: the local roots it is given under one directory, a namespace with a one-file
 * volume {@code data} and an rclone secret for a local remote, and ReplicationSources that sync that volume to a
 * path with a manual trigger ({@link #TRIGGER}).
 */
public final class RcloneToLocalPath {

    public static final String TRIGGER = "go";

    private final Path root;
    private final String namespace;

    public RcloneToLocalPath(String prefix) throws IOException {
        this.root = Files.createTempDirectory(prefix);
        this.namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(Files.createDirectories(root.resolve("volumes").resolve(namespace).resolve("data"))
                .resolve("file"), "payload");
        Files.writeString(Files.createDirectories(root.resolve("secrets").resolve(namespace).resolve("rclone-secret"))
                .resolve("rclone.conf"), "[store]\ntype = local\n");
    }

    public Path root() {
        return root;
    }

    public String namespace() {
        return namespace;
    }

    /** Ferry's settings for the volumes, secrets and config maps under the root. */
    public Map<String, String> settings() {
        return Map.of("ferry.replication.volumes-root", root.resolve("volumes").toString(),
                "ferry.replication.secrets-root", root.resolve("secrets").toString(),
                "ferry.replication.configmaps-root", root.resolve("configmaps").toString());
    }

    /** The settings of a packaged Ferry named {@code instanceId} (its static members, its transactional ids). */
    public Map<String, String> settings(String instanceId) {
        Map<String, String> settings = new java.util.HashMap<>(settings());
        settings.put("ferry.rpc.instance-id", instanceId);
        return settings;
    }

    /** Where the source {@code name} syncs to. */
    public Path remote(String name) {
        return root.resolve("remote").resolve(name + ".d");
    }

    /** The source's record value (JSON), with {@code uid} when not null. */
    public String source(String name, String uid) {
        String uidField = uid == null ? "" : ", \"uid\": \"" + uid + "\"";
        return """
                {"apiVersion": "volsync.backube/v1alpha1", "kind": "ReplicationSource",
                 "metadata": {"name": "%s", "namespace": "%s"%s},
                 "spec": {"sourcePVC": "data", "trigger": {"manual": "%s"},
                          "rclone": {"copyMethod": "Direct", "rcloneConfig": "rclone-secret",
                                     "rcloneConfigSection": "store", "rcloneDestPath": "%s"}}}
                """.formatted(name, namespace, uidField, TRIGGER, remote(name));
    }

    /** Publishes the source {@code name} ({@link #source}) on {@code volsync.replication-sources}. */
    public void publishSource(String bootstrap, String name, String uid) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("volsync.replication-sources", namespace + "/" + name,
                    source(name, uid))).get();
        }
    }

    /** The first status of the source {@code name} on {@code volsync.status} that reports the {@link #TRIGGER} done. */
    public JsonNode awaitSynced(String bootstrap, String name, Duration wait) throws Exception {
        String key = namespace + "/" + name;
        ObjectMapper mapper = new ObjectMapper();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG,
                "synced-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("volsync.status"));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key()) && record.value() != null) {
                        JsonNode status = mapper.readTree(record.value());
                        if (TRIGGER.equals(status.path("status").path("lastManualSync").asText())) {
                            return status;
                        }
                    }
                }
            }
        }
        throw new AssertionError(key + ": no completed sync within " + wait);
    }
}
