package dev.ferry.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The Strimzi KafkaTopic resources in k8s/topics must say exactly what kafka/topics.yaml says. */
class StrimziTopicsTest {

    @Test
    void everyTopicHasAMatchingKafkaTopicResourceAndNoOtherExists() throws IOException {
        TopicCatalog catalog = TopicCatalog.load(Path.of("kafka/topics.yaml"));
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, JsonNode> resources = new HashMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("k8s/topics"))) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        for (Path file : files) {
            JsonNode resource = yaml.readTree(file.toFile());
            assertThat(resource.path("kind").asText()).as(file.toString()).isEqualTo("KafkaTopic");
            String name = resource.path("metadata").path("name").asText();
            assertThat(file.getFileName().toString()).as("one resource per file, named after it").isEqualTo(name + ".yaml");
            resources.put(resource.path("spec").path("topicName").asText(), resource);
        }
        assertThat(resources.keySet()).containsExactlyInAnyOrderElementsOf(
                catalog.topics().stream().map(TopicDefinition::name).toList());
        for (TopicDefinition topic : catalog.topics()) {
            JsonNode spec = resources.get(topic.name()).path("spec");
            assertThat(spec.path("partitions").asInt()).as(topic.name() + " partitions").isEqualTo(topic.partitions());
            JsonNode config = spec.path("config");
            topic.kafkaConfigs().forEach((key, value) -> assertThat(config.path(key).asText())
                    .as(topic.name() + " " + key).isEqualTo(value));
        }
    }
}
