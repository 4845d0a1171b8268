package dev.ferry.replication.mover.rsync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import dev.ferry.replication.job.JobContext;
import dev.ferry.replication.mover.MoverSettings;

/** What the scripts of both rsync movers (over the loopback daemon, over TLS) do alike, as VolSync's scripts do. */
public final class RsyncSteps {

    /** One push; its exit code. */
    @FunctionalInterface
    public interface Attempt {
        int run() throws Exception;
    }

    private RsyncSteps() {
    }

    /**
     * The destination daemon's configuration: VolSync's settings, then {@code globals}; a {@code data} module (the
     * volume) and a {@code control} module whose post-transfer hook ends the destination; {@code moduleSettings}
     * (authentication, say) in both. Run by root, the daemon writes as root (it would otherwise be "nobody"), and
     * the data module is a chroot: outside one, a daemon rewrites the targets of the symlinks it receives (drops a
     * leading {@code /}, and the {@code ..} that climb above the volume), where {@code rsync -a}, and VolSync's rsync
     * over ssh, keep them as they are. Not root, it cannot chroot, and the targets are rewritten.
     */
    public static String daemonConfig(String globals, Path data, Path control, Path hook, String moduleSettings) {
        boolean root = "root".equals(System.getProperty("user.name"));
        return "use chroot = false\nnumeric ids = true\nmunge symlinks = false\nreverse lookup = false\n" + globals
                + (root ? "uid = 0\ngid = 0\n" : "")
                + "[data]\npath = " + data + "\nread only = false\n" + (root ? "use chroot = true\n" : "")
                + moduleSettings
                + "[control]\npath = " + control + "\nread only = false\n" + moduleSettings
                + "post-xfer exec = " + hook + "\n";
    }

    /**
     * Writes the control module's post-transfer hook, private to this user: {@code action} (shell) runs once the
     * source's {@code complete} file has arrived intact.
     */
    public static Path completionHook(Path tmp, Path control, String action) throws IOException {
        Path hook = tmp.resolve("complete.sh");
        Files.writeString(hook, "#!/bin/sh\nif [ \"$RSYNC_EXIT_STATUS\" = 0 ] && [ -f '" + control.resolve("complete")
                + "' ]; then\n" + action + "\nfi\nexit 0\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        return hook;
    }

    /** VolSync's {@code -aAhHSxz}, without {@code -S} or {@code -z} as the settings say. */
    public static String flags(MoverSettings settings) {
        return "-aAhH" + (settings.rsyncSparse() ? "S" : "") + "x" + (settings.rsyncCompress() ? "z" : "");
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
