package dev.ferry.stream;

import java.time.Duration;
import java.util.Map;

/**
 * What one group of exactly-once lanes consumes and how: topic, consumer group, lane count, batch size, and the
 * client properties shared by its consumers and transactional producers.
 */
public record LaneSettings(String name, String topic, String groupId, String instanceId, int lanes, int maxBatch,
        Duration pollTimeout, Duration processTimeout, Map<String, Object> kafka) {
}
