package dev.ferry.replication.mover.rsync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.ferry.replication.job.JobScript;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.MoverSettings;
import dev.ferry.replication.volume.ServiceBackend;

/**
 * The two sides of the rsync mover as job scripts. The destination runs an rsync daemon on a loopback address with
 * a {@code data} module (the volume) and a {@code control} module; the source pushes the volume
 * ({@code rsync -aAhHSx --delete}), up to five attempts with doubling delays, then pushes a {@code complete} file to
 * the control module, whose post-transfer hook stops the daemon (SIGKILL: an rsync daemon takes about half a second
 * to wind down after SIGTERM, and nothing of the transfer is pending by then): the destination's job ends with the
 * code received, as VolSync's destination does after {@code shutdown <n>}, once what it received is flushed to disk
 * (VolSync's {@code sync}). The source writes nothing of its own, so it skips VolSync's {@code sync} there.
 */
final class RsyncScripts {

    /**
     * Both ends of the loopback transport set TCP_NODELAY: the rsync protocol's small exchanges otherwise wait for
     * delayed ACKs (about 40 ms each, three or more per connection, measured). Transport only, as ssh's is in
     * VolSync: the data and flags are unchanged.
     */
    static final String NO_DELAY = "TCP_NODELAY";

    private RsyncScripts() {
    }

    static JobScript destination(MoverSettings settings, Path data, String address, int port, byte[] authorised) {
        return ctx -> {
            Path tmp = ctx.tmp();
            Path control = Files.createDirectories(tmp.resolve("control"));
            Path secrets = JobMovers.writePrivate(tmp.resolve("rsyncd.secrets"), authorised);
            Path pid = tmp.resolve("rsyncd.pid");
            Path hook = RsyncSteps.completionHook(tmp, control, "kill -KILL \"$(cat '" + pid + "')\"");
            Path confFile = Files.writeString(tmp.resolve("rsyncd.conf"), RsyncSteps.daemonConfig(
                    "pid file = " + pid + "\nsocket options = " + NO_DELAY + "\ntransfer logging = false\n", data,
                    control, hook, "auth users = " + RsyncKeys.USER + "\nsecrets file = " + secrets + "\n"));
            long begin = System.nanoTime();
            ctx.log("listening on " + address + ":" + port);
            // The writeback flushes only while data is waiting to be written: the daemon may wait hours for its
            // source, and meanwhile it does nothing.
            try (AutoCloseable writeback = JobMovers.writeback(ctx, settings, data)) {
                ctx.exec(List.of(settings.rsyncBinary(), "--daemon", "--no-detach", "--config=" + confFile,
                        "--address=" + address, "--port=" + port, "--log-file=/dev/stdout"), Map.of(), tmp);
            }
            return RsyncSteps.received(ctx, control, JobMovers.flush(ctx, settings, data), begin, true);
        };
    }

    static JobScript source(MoverSettings settings, Path data, String address, Integer port, byte[] password) {
        return ctx -> {
            if (address == null || address.isBlank()) {
                ctx.log("Remote host must be provided in DESTINATION_ADDRESS");
                return 1;
            }
            if (!Files.isDirectory(data)) {
                ctx.log("ERROR: source location not found");
                return 1;
            }
            Path passwordFile = JobMovers.writePrivate(ctx.tmp().resolve("password"), password);
            String url = "rsync://" + RsyncKeys.USER + "@" + ServiceBackend.Address.urlHost(address) + ":"
                    + (port == null ? 873 : port);
            String flags = RsyncSteps.flags(settings);
            List<String> command = new ArrayList<>(List.of(settings.rsyncBinary(), flags, "--delete",
                    "--itemize-changes", "--info=stats2,misc2", "--sockopts=" + NO_DELAY,
                    "--password-file=" + passwordFile, data + "/", url + "/data"));
            long begin = System.nanoTime();
            int rc = RsyncSteps.fiveAttempts(ctx, settings.rsyncRetryDelay(),
                    () -> ctx.exec(command, Map.of(), data).code());
            ctx.log("Rsync completed in " + RsyncSteps.seconds(begin) + "s");
            if (rc != 0) {
                ctx.log("Synchronization failed. rsync returned: " + rc);
                return rc;
            }
            Path complete = Files.writeString(ctx.tmp().resolve("complete"), "0\n");
            int signal = ctx.exec(List.of(settings.rsyncBinary(), "--sockopts=" + NO_DELAY,
                    "--password-file=" + passwordFile,
                    complete.toString(), url + "/control/complete"), Map.of(), ctx.tmp()).code();
            if (signal != 0) {
                // As VolSync's source fails when its "shutdown" does not reach the destination: a sync the
                // destination was not told of is not complete, and the job's retry pushes and signals again.
                ctx.log("ERROR: could not signal completion to the destination (rsync returned " + signal + ")");
            }
            return signal;
        };
    }
}
