package dev.ferry.replication.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code ReplicationSource.status.restic}: when the repository was last pruned and the last unlock value used. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResticStatus(Instant lastPruned, String lastUnlocked) {

    public static ResticStatus empty() {
        return new ResticStatus(null, null);
    }
}
