package dev.ferry.replication.service;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.ferry.replication.api.ObjectMeta;
import dev.ferry.replication.api.ReplicationStatus;

/** The value of a {@code volsync.status} record: {@code {kind, metadata, status}}. */
@JsonPropertyOrder({ "kind", "metadata", "status" })
public record StatusDocument(String kind, ObjectMeta metadata, ReplicationStatus status) {
}
