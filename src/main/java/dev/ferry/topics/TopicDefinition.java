package dev.ferry.topics;

import java.util.Map;

/**
 * One topic as declared in {@code kafka/topics.yaml}: what the embedded broker, the creation script and the
 * Strimzi resources must all agree on.
 */
public record TopicDefinition(String name, int partitions, CleanupPolicy cleanupPolicy, long retentionMs,
        int maxMessageBytes) {

    /** Kafka's two cleanup policies, spelled as the topic config spells them. */
    public enum CleanupPolicy {
        DELETE, COMPACT;

        public String configValue() {
            return name().toLowerCase();
        }
    }

    /** The topic-level configs Kafka takes at creation. */
    public Map<String, String> kafkaConfigs() {
        return Map.of(
                "cleanup.policy", cleanupPolicy.configValue(),
                "retention.ms", Long.toString(retentionMs),
                "max.message.bytes", Integer.toString(maxMessageBytes));
    }
}
