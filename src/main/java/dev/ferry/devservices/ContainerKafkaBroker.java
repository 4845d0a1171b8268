package dev.ferry.devservices;

import java.util.Map;

import org.testcontainers.kafka.KafkaContainer;

/** A Kafka broker in a Testcontainers container, used where a Docker engine answers. */
final class ContainerKafkaBroker implements ManagedService {

    private final String image;
    private KafkaContainer container;

    ContainerKafkaBroker(String image) {
        this.image = image;
    }

    @Override
    public Map<String, String> start() {
        container = new KafkaContainer(image);
        container.start();
        return Map.of("kafka.bootstrap.servers", container.getBootstrapServers());
    }

    @Override
    public String describe() {
        return "Kafka container " + image + " at " + (container == null ? "?" : container.getBootstrapServers());
    }

    @Override
    public void close() {
        if (container != null) {
            container.stop();
        }
    }
}
