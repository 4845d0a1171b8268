package dev.ferry.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The lanes' Kafka settings come from properties and from environment variables, as the connector's do. */
class KafkaClientPropertiesTest {

    @Test
    void givenKafkaSettingsAsPropertiesAndAsEnvironmentVariables_whenRead_thenBothApplyTheEnvironmentFirst() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(
                new EnvConfigSource(Map.of("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "KAFKA_BOOTSTRAP_SERVERS",
                        "broker.from.env:9093", "KAFKA_HEALTH_TIMEOUT", "5s", "HOME", "/root"), 300),
                new PropertiesConfigSource(Map.of("kafka.bootstrap.servers", "broker.from.file:9092",
                        "kafka.security.protocol", "SASL_SSL", "kafka.health.enabled", "true",
                        "ferry.rpc.lanes", "6"), "application", 250))
                .build();

        assertThat(KafkaClientProperties.from(config)).containsOnly(
                Map.entry("bootstrap.servers", "broker.from.env:9093"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("security.protocol", "SASL_SSL"));
    }
}
