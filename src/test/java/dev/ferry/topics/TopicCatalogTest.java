package dev.ferry.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.ferry.topics.TopicCatalog.InvalidTopicFileException;
import dev.ferry.topics.TopicDefinition.CleanupPolicy;

class TopicCatalogTest {

    private static TopicCatalog parse(String yaml) {
        return TopicCatalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "topics.yaml");
    }

    @Test
    void theProjectTopicFileDeclaresEveryContractTopic() {
        TopicCatalog catalog = TopicCatalog.load(Path.of("kafka/topics.yaml"));
        assertThat(catalog.topics()).extracting(TopicDefinition::name).contains("juju.rpc.requests",
                "juju.rpc.responses", "juju.watcher.changes", "juju.model.events", "juju.migration.logs",
                "volsync.replication-sources", "volsync.replication-destinations", "volsync.status",
                "juju.rpc.requests.dlq", "juju.model.events.dlq");
        assertThat(catalog.topics()).filteredOn(t -> t.name().startsWith("volsync.") && !t.name().endsWith(".dlq"))
                .allMatch(t -> t.cleanupPolicy() == CleanupPolicy.COMPACT);
    }

    @Test
    void anUnknownFieldNamesTheFileAndTheField() {
        assertThatThrownBy(() -> parse("topics:\n  - name: a\n    partitions: 3\n    partitons: 4\n"))
                .isInstanceOf(InvalidTopicFileException.class)
                .hasMessageContaining("topics.yaml").hasMessageContaining("'partitons'");
    }

    @Test
    void anInvalidPartitionCountNamesTheFileAndTheField() {
        assertThatThrownBy(() -> parse("topics:\n  - name: a\n    partitions: 0\n"))
                .hasMessageContaining("topics.yaml").hasMessageContaining("'partitions'");
        assertThatThrownBy(() -> parse("topics:\n  - name: a\n    partitions: many\n"))
                .hasMessageContaining("'partitions'");
    }

    @Test
    void aDuplicateTopicIsRefused() {
        assertThatThrownBy(() -> parse("topics:\n  - name: a\n    partitions: 1\n  - name: a\n    partitions: 2\n"))
                .hasMessageContaining("declared twice");
    }

    @Test
    void defaultsApplyWhereFieldsAreOmitted() {
        TopicDefinition topic = parse("topics:\n  - name: a\n    partitions: 2\n").topics().get(0);
        assertThat(topic.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
        assertThat(topic.kafkaConfigs()).containsEntry("cleanup.policy", "delete");
    }
}
