package dev.ferry.devservices;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.jboss.logging.Logger;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real Apache Kafka broker (KRaft, combined broker+controller) inside this JVM. In-process rather than a child
 * JVM: it starts in about 3 s, needs no classpath hand-off, and its jars come only through optional dependencies
 * that the packaged application filters out.
 */
final class EmbeddedKafkaBroker implements ManagedService {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafkaBroker.class);

    private final int requestedPort;
    private Path logDir;
    private KafkaRaftServer server;
    private String bootstrapServers;

    EmbeddedKafkaBroker(int requestedPort) {
        this.requestedPort = requestedPort;
    }

    @Override
    public Map<String, String> start() throws IOException {
        int port = requestedPort > 0 ? requestedPort : FreePorts.find();
        int controllerPort = FreePorts.find();
        logDir = Files.createTempDirectory("ferry-kafka-");
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "12");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "12");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("message.max.bytes", "10485760");
        Path configFile = logDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(configFile)) {
            props.store(out, "Ferry embedded broker");
        }
        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        int code = kafka.tools.StorageTool.execute(new String[] { "format", "-t", Uuid.randomUuid().toString(), "-c",
                configFile.toString(), "--ignore-formatted" }, new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting the embedded Kafka log directory failed: " + formatOutput);
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        bootstrapServers = "127.0.0.1:" + port;
        return Map.of("kafka.bootstrap.servers", bootstrapServers);
    }

    @Override
    public String describe() {
        return "embedded Apache Kafka (KRaft) at " + bootstrapServers;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.shutdown();
                server.awaitShutdown();
            }
        } catch (RuntimeException e) {
            LOG.warnf("Stopping the embedded Kafka broker: %s", e.getMessage());
        } finally {
            TempDirs.deleteQuietly(logDir);
        }
    }
}
