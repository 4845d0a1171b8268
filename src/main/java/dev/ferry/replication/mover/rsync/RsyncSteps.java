package dev.ferry.replication.mover.rsync;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.ferry.replication.job.JobContext;

/** What the scripts of both rsync movers (over the loopback daemon, over TLS) do alike, as VolSync's scripts do. */
public final class RsyncSteps {

    /** One push; its exit code. */
    @FunctionalInterface
    public interface Attempt {
        int run() throws Exception;
    }

    private RsyncSteps() {
    }

    /** Up to five attempts until one returns 0, the delay between them doubling; the last code. */
    public static int fiveAttempts(JobContext ctx, Duration firstDelay, Attempt attempt) throws Exception {
        int rc = 1;
        Duration delay = firstDelay;
        for (int n = 1; n <= 5; n++) {
            rc = attempt.run();
            if (rc == 0) {
                break;
            }
            ctx.log("Synchronization failed. Retrying in " + delay.toMillis() / 1000.0 + " seconds. Retry " + n
                    + "/5.");
            if (n < 5 && !ctx.pause(delay)) {
                break;
            }
            delay = delay.multipliedBy(2);
        }
        return rc;
    }

    /**
     * The destination's end, once its server has stopped: the code the source signalled in {@code control/complete}
     * (255 when there is none, or it is not a number; with {@code codeInFile} false, the file's existence is a 0), and
     * 1 in place of a 0 when what was received could not be flushed.
     */
    public static int received(JobContext ctx, Path control, boolean flushed, long beginNanos, boolean codeInFile)
            throws Exception {
        Path complete = control.resolve("complete");
        if (!Files.isRegularFile(complete)) {
            ctx.log("no completion signal received");
            return 255;
        }
        ctx.log("rsync completed in " + seconds(beginNanos) + "s");
        int code = 0;
        try {
            if (codeInFile) {
                code = Integer.parseInt(Files.readString(complete, StandardCharsets.UTF_8).strip());
            }
        } catch (NumberFormatException e) {
            return 255;
        }
        return code == 0 && !flushed ? 1 : code;
    }

    public static long seconds(long beginNanos) {
        return Duration.ofNanos(System.nanoTime() - beginNanos).toSeconds();
    }
}
