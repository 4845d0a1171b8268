package dev.ferry.topics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.ferry.topics.TopicDefinition.CleanupPolicy;

/**
 * Reads and validates the topic file ({@code kafka/topics.yaml}). Strict on purpose: an unknown field or a bad
 * value fails with a message naming the file and the field, so a typo never silently becomes a default.
 */
public final class TopicCatalog {

    private static final Set<String> TOPIC_FIELDS = Set.of("name", "partitions", "cleanup-policy", "retention-ms",
            "max-message-bytes");
    private static final int DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;
    private static final long DEFAULT_RETENTION_MS = 604_800_000L;

    private final List<TopicDefinition> topics;

    private TopicCatalog(List<TopicDefinition> topics) {
        this.topics = List.copyOf(topics);
    }

    public List<TopicDefinition> topics() {
        return topics;
    }

    public static TopicCatalog load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new InvalidTopicFileException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    public static TopicCatalog parse(InputStream in, String fileName) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new InvalidTopicFileException(fileName + ": not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTopicFileException(fileName + ": expected a mapping with a 'topics' list");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String field = names.next();
            if (!field.equals("topics")) {
                throw new InvalidTopicFileException(fileName + ": unknown field '" + field + "' (expected 'topics')");
            }
        }
        JsonNode list = root.get("topics");
        if (list == null || !list.isArray()) {
            throw new InvalidTopicFileException(fileName + ": field 'topics' must be a list");
        }
        List<TopicDefinition> topics = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            TopicDefinition topic = parseTopic(list.get(i), fileName + ": topics[" + i + "]");
            if (!seen.add(topic.name())) {
                throw new InvalidTopicFileException(fileName + ": topic '" + topic.name() + "' is declared twice");
            }
            topics.add(topic);
        }
        return new TopicCatalog(topics);
    }

    private static TopicDefinition parseTopic(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new InvalidTopicFileException(where + ": expected a mapping");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            String field = fields.next().getKey();
            if (!TOPIC_FIELDS.contains(field)) {
                throw new InvalidTopicFileException(where + ": unknown field '" + field + "' (known: "
                        + String.join(", ", TOPIC_FIELDS.stream().sorted().toList()) + ")");
            }
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || !name.asText().matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new InvalidTopicFileException(where + ": field 'name' must be a valid Kafka topic name");
        }
        String at = where + " (" + name.asText() + ")";
        JsonNode partitions = node.get("partitions");
        if (partitions == null || !partitions.isInt() || partitions.asInt() < 1) {
            throw new InvalidTopicFileException(at + ": field 'partitions' must be an integer >= 1, got "
                    + (partitions == null ? "nothing" : partitions.toString()));
        }
        CleanupPolicy policy = CleanupPolicy.DELETE;
        JsonNode cleanup = node.get("cleanup-policy");
        if (cleanup != null) {
            try {
                policy = CleanupPolicy.valueOf(cleanup.asText().toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new InvalidTopicFileException(at + ": field 'cleanup-policy' must be delete or compact, got "
                        + cleanup);
            }
        }
        long retention = DEFAULT_RETENTION_MS;
        JsonNode retentionNode = node.get("retention-ms");
        if (retentionNode != null) {
            if (!retentionNode.canConvertToLong() || !retentionNode.isIntegralNumber() || retentionNode.asLong() < -1) {
                throw new InvalidTopicFileException(at + ": field 'retention-ms' must be an integer >= -1, got "
                        + retentionNode);
            }
            retention = retentionNode.asLong();
        }
        int maxBytes = DEFAULT_MAX_MESSAGE_BYTES;
        JsonNode maxNode = node.get("max-message-bytes");
        if (maxNode != null) {
            if (!maxNode.isInt() || maxNode.asInt() < 1024) {
                throw new InvalidTopicFileException(at + ": field 'max-message-bytes' must be an integer >= 1024, got "
                        + maxNode);
            }
            maxBytes = maxNode.asInt();
        }
        return new TopicDefinition(name.asText(), partitions.asInt(), policy, retention, maxBytes);
    }

    /** The topic file is wrong; the message names the file and the field. */
    public static final class InvalidTopicFileException extends RuntimeException {
        public InvalidTopicFileException(String message) {
            super(message);
        }

        public InvalidTopicFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
