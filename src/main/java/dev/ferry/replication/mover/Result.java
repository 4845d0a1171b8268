package dev.ferry.replication.mover;

import java.time.Duration;
import java.util.Optional;

import dev.ferry.replication.api.TypedLocalObjectReference;

/**
 * The outcome of one {@link Mover#synchronize()} or {@link Mover#cleanup()} call, as VolSync's {@code mover.Result}:
 * completed (with the destination's image, if any), or still going with an optional explicit retry delay.
 */
public record Result(boolean completed, TypedLocalObjectReference image, Duration retryAfter) {

    /** How long {@link #inProgress()} asks to wait before looking again, so that stuck syncs are noticed. */
    public static final Duration IN_PROGRESS_RECHECK = Duration.ofMinutes(1);

    public static Result inProgress() {
        return new Result(false, null, IN_PROGRESS_RECHECK);
    }

    public static Result retryAfter(Duration delay) {
        return new Result(false, null, delay);
    }

    public static Result complete() {
        return new Result(true, null, null);
    }

    public static Result completeWithImage(TypedLocalObjectReference image) {
        return new Result(true, image, null);
    }

    /** VolSync's {@code ReconcileResult()}: a timed requeue when RetryAfter is set, none otherwise. */
    public Optional<Duration> requeueAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
