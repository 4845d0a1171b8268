package dev.ferry.replication.mover.rsynctls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import dev.ferry.replication.job.JobContext;
import dev.ferry.replication.job.JobScript;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.MoverSettings;
import dev.ferry.replication.mover.rsync.RsyncSteps;

/**
 * The two sides of rsync-tls as job scripts, after VolSync's {@code server.sh} and {@code client.sh}. The
 * destination runs stunnel with the pre-shared key on its address, which starts rsync in daemon mode for each
 * connection, with a {@code data} module (the volume) and a {@code control} module. The source runs stunnel as a
 * client on a free loopback port and pushes through it: the data, then a deletion pass, up to five attempts with
 * doubling delays, then a {@code complete} file to the control module, whose post-transfer hook stops the
 * destination's stunnel. The destination then flushes what it received (VolSync's {@code sync}) and ends with the
 * code received.
 */
final class RsyncTlsScripts {

    /** VolSync's default port of the destination, for a source given none. */
    static final int DEFAULT_PORT = 8000;
    /**
     * Between the completion signal and the destination's stunnel stopping: the source's last exchange crosses
     * stunnel within milliseconds of the hook (VolSync's server waits 5 s).
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(1);
    /** How long the source waits for its stunnel to listen before its first attempt (the attempts retry anyway). */
    private static final Duration CLIENT_START = Duration.ofSeconds(5);

    private RsyncTlsScripts() {
    }

    static JobScript server(MoverSettings settings, Path data, String address, int port, byte[] psk) {
        return ctx -> {
            Path tmp = ctx.tmp();
            Path control = Files.createDirectories(tmp.resolve("control"));
            Path pskFile = JobMovers.writePrivate(tmp.resolve("psk.txt"), psk);
            Path stunnelPid = tmp.resolve("stunnel.pid");
            Path hook = RsyncSteps.completionHook(tmp, control, "(sleep " + STOP_GRACE.toMillis() / 1000.0
                    + "; kill -TERM \"$(cat '" + stunnelPid + "')\") </dev/null >/dev/null 2>&1 &");
            // The daemon's own log, as VolSync's: what it received, relayed into the job's log at the end.
            Path daemonLog = tmp.resolve("rsyncd.log");
            Path rsyncdConf = Files.writeString(tmp.resolve("rsyncd.conf"), RsyncSteps.daemonConfig(
                    "open noatime = true\ntransfer logging = true\nlog file = " + daemonLog + "\n", data, control, hook,
                    ""));
            Path stunnelConf = Files.writeString(tmp.resolve("stunnel.conf"), stunnelGlobals(stunnelPid)
                    + "[rsync]\naccept = " + hostPort(address, port) + "\n" + psk(pskFile)
                    + "exec = " + absolute(settings.rsyncBinary()) + "\n"
                    + "execArgs = rsync --server --daemon --config=" + rsyncdConf + " .\n");
            long begin = System.nanoTime();
            ctx.log("listening on " + hostPort(address, port));
            // The writeback flushes only while data is waiting to be written: the destination may wait hours.
            try (AutoCloseable writeback = JobMovers.writeback(ctx, settings, data)) {
                ctx.exec(List.of(settings.stunnelBinary(), stunnelConf.toString()), Map.of(), tmp);
            }
            if (Files.exists(daemonLog)) {
                Files.readAllLines(daemonLog, StandardCharsets.UTF_8).forEach(ctx::log);
            }
            // The completion file's content does not matter here, as in VolSync's rsync-tls: it exists, it is done.
            return RsyncSteps.received(ctx, control, JobMovers.flush(ctx, settings, data), begin, false);
        };
    }

    static JobScript client(MoverSettings settings, Path data, String address, Integer port, byte[] psk) {
        return ctx -> {
            if (address == null || address.isBlank()) {
                ctx.log("Remote host address must be provided in DESTINATION_ADDRESS");
                return 1;
            }
            if (!Files.isDirectory(data)) {
                ctx.log("ERROR: source location not found");
                return 1;
            }
            Path tmp = ctx.tmp();
            Path pskFile = JobMovers.writePrivate(tmp.resolve("psk.txt"), psk);
            Path stunnelPid = tmp.resolve("stunnel.pid");
            int local = freeLoopbackPort();
            Path stunnelConf = Files.writeString(tmp.resolve("stunnel.conf"), stunnelGlobals(stunnelPid)
                    + "[rsync]\nclient = yes\naccept = 127.0.0.1:" + local + "\nconnect = "
                    + hostPort(address, port == null ? DEFAULT_PORT : port) + "\n" + psk(pskFile));
            Future<JobContext.Exit> stunnel = ctx.fork(() -> ctx.exec(List.of(settings.stunnelBinary(),
                    stunnelConf.toString()), Map.of(), tmp));
            try {
                for (long waited = 0; !Files.exists(stunnelPid) && !stunnel.isDone()
                        && waited < CLIENT_START.toMillis(); waited += 50) {
                    if (!ctx.pause(Duration.ofMillis(50))) {
                        return 1;
                    }
                }
                if (stunnel.isDone() || !Files.exists(stunnelPid)) {
                    // Its port taken meanwhile, say: pushing to whatever listens there could reach another tunnel.
                    ctx.log("ERROR: stunnel did not start listening on 127.0.0.1:" + local);
                    return 1;
                }
                return push(ctx, settings, data, "rsync://127.0.0.1:" + local);
            } finally {
                stop(stunnelConf);
                stunnel.get();
            }
        };
    }

    /** The two passes, five attempts, then the completion signal; VolSync's exit code (rc1 * 100 + rc2). */
    private static int push(JobContext ctx, MoverSettings settings, Path data, String url) throws Exception {
        String flags = RsyncSteps.flags(settings);
        List<String> copyFlags = List.of(settings.rsyncBinary(), flags, "--exclude=lost+found", "--itemize-changes",
                "--info=stats2,misc2");
        List<String> delete = List.of(settings.rsyncBinary(), "-rx", "--exclude=lost+found", "--ignore-existing",
                "--ignore-non-existing", "--delete", "--itemize-changes", "--info=stats2,misc2", data + "/",
                url + "/data");
        long begin = System.nanoTime();
        int rc = RsyncSteps.fiveAttempts(ctx, settings.rsyncRetryDelay(), () -> {
            int copied = 0;
            List<String> entries = entries(data);
            if (entries.isEmpty()) {
                ctx.log("Skipping sync of empty source directory");
            } else {
                // The volume's entries, not the volume: as VolSync's /data/*, the destination's root keeps its own
                // owner, mode and times.
                List<String> copy = new java.util.ArrayList<>(copyFlags);
                copy.addAll(entries);
                copy.add(url + "/data");
                copied = ctx.exec(copy, Map.of(), data).code();
            }
            return copied * 100 + ctx.exec(delete, Map.of(), data).code();
        });
        ctx.log("rsync completed in " + RsyncSteps.seconds(begin) + "s");
        if (rc != 0) {
            ctx.log("Synchronization failed. rsync returned: " + rc);
            return rc;
        }
        Path complete = Files.writeString(ctx.tmp().resolve("complete"), "0\n");
        int signal = ctx.exec(List.of(settings.rsyncBinary(), complete.toString(), url + "/control/complete"),
                Map.of(), ctx.tmp()).code();
        if (signal != 0) {
            // A sync the destination was not told of is not complete: the job's retry pushes and signals again.
            ctx.log("ERROR: could not signal completion to the destination (rsync returned " + signal + ")");
        }
        return signal;
    }

    /**
     * Foreground, so that the job owns the process; both ends without Nagle's delay, as the rsync mover's loopback
     * transport (the protocol's small exchanges would otherwise wait for delayed ACKs).
     */
    private static String stunnelGlobals(Path pid) {
        return "foreground = yes\npid = " + pid + "\nsyslog = no\ndebug = notice\n"
                + "socket = l:TCP_NODELAY=1\nsocket = r:TCP_NODELAY=1\n"
                + "socket = l:SO_KEEPALIVE=1\nsocket = r:SO_KEEPALIVE=1\n";
    }

    /** TLS with a pre-shared key only, as VolSync configures it. */
    private static String psk(Path pskFile) {
        return "ciphers = PSK\nPSKsecrets = " + pskFile + "\n";
    }

    /** As stunnel reads it: {@code host:port}, an IPv6 host without brackets (stunnel cannot resolve "[::1]"). */
    static String hostPort(String address, int port) {
        String host = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
        return host + ":" + port;
    }

    /** stunnel's {@code exec} takes a path, not a name to look up. */
    static String absolute(String binary) {
        if (binary.contains("/")) {
            return Path.of(binary).toAbsolutePath().toString();
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        return binary;
    }

    /** The directory's entries, dotfiles included, as {@code ./name} (a name may start with a dash), sorted. */
    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> "./" + p.getFileName()).sorted().toList();
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Stops this attempt's stunnel: this process's own child started with {@code config}, found by its arguments
     * rather than its pid file, which a stunnel still starting has not written yet.
     */
    private static void stop(Path config) {
        String wanted = config.toString();
        ProcessHandle.current().children()
                .filter(child -> child.info().arguments().map(args -> java.util.Arrays.asList(args).contains(wanted))
                        .orElse(false))
                .forEach(ProcessHandle::destroy);
    }
}
