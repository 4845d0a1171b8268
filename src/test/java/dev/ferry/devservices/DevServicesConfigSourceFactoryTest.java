package dev.ferry.devservices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.topics.TopicCatalog.InvalidTopicFileException;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;

class DevServicesConfigSourceFactoryTest {

    private static ConfigSourceContext context(List<String> profiles, Map<String, String> values) {
        return new ConfigSourceContext() {
            @Override
            public ConfigValue getValue(String name) {
                String value = values.get(name);
                return value == null ? null : ConfigValue.builder().withName(name).withValue(value).build();
            }

            @Override
            public Iterator<String> iterateNames() {
                return values.keySet().iterator();
            }

            @Override
            public List<String> getProfiles() {
                return profiles;
            }
        };
    }

    @Test
    void givenTheProductionProfile_nothingIsStartedOrSupplied() {
        var sources = new DevServicesConfigSourceFactory().getConfigSources(context(List.of("prod"), Map.of()));
        assertThat(sources).isEmpty();
    }

    @Test
    void givenExternalServicesConfigured_nothingIsStarted() {
        var sources = new DevServicesConfigSourceFactory().getConfigSources(context(List.of("dev"),
                Map.of("kafka.bootstrap.servers", "kafka:9092", "quarkus.datasource.reactive.url",
                        "postgresql://db:5432/ferry")));
        assertThat(sources).isEmpty();
    }

    @Test
    void givenABadTopicFile_startUpFailsNamingTheFileAndTheFieldBeforeAnythingStarts(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("topics.yaml");
        Files.writeString(file, "topics:\n  - name: juju.rpc.requests\n    partitions: -3\n");
        long begin = System.nanoTime();
        assertThatThrownBy(() -> new DevServicesConfigSourceFactory().getConfigSources(context(List.of("test"),
                Map.of("ferry.topics-file", file.toString(), "ferry.embedded.containers", "never"))))
                .isInstanceOf(InvalidTopicFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'partitions'");
        assertThat((System.nanoTime() - begin) / 1_000_000).as("fails before starting a broker").isLessThan(2_000);
    }
}
