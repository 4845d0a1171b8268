package dev.ferry.replication.service;

import java.time.Instant;

/**
 * A row of {@code replication_objects}: the accepted object (JSON, without status), its status and identity, and
 * the partition its latest record came from (null for rows stored before partitions were kept).
 */
public record StoredObject(ObjectRef ref, String uid, long generation, Instant createdAt, String object, String invalid,
        String status, Integer partition) {
}
