package dev.ferry.replication.reconcile;

import java.time.Duration;
import java.util.Optional;

/**
 * What one pass of the state machine asks for next: a timed requeue (or none), and the error if the pass failed
 * (the controller then retries with back-off). The derived state after the pass tells whether to go again at once.
 */
public record MachineResult(Duration requeueAfter, Exception error) {

    public Optional<Duration> requeue() {
        return Optional.ofNullable(requeueAfter);
    }

    public static MachineResult none() {
        return new MachineResult(null, null);
    }
}
