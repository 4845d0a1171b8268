package dev.ferry.replication.job;

import java.time.Instant;

/**
 * A Job's status as a mover reads it: running or not, succeeded/failed attempt counts, the last attempt's log, when the
 * job was created and when its latest attempt started (null before the first).
 */
public record JobStatus(boolean active, int succeeded, int failed, int parallelism, Instant startTime,
        Instant completionTime, String logs, Instant attemptStartTime) {
}
