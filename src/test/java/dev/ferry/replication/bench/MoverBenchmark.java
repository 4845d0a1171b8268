package dev.ferry.replication.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.ferry.replication.api.RcloneSourceSpec;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationSpec;
import dev.ferry.replication.api.ReplicationObject;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.api.ResticSourceSpec;
import dev.ferry.replication.api.RsyncDestinationSpec;
import dev.ferry.replication.api.RsyncSourceSpec;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.reconcile.Reconciler;
import dev.ferry.replication.support.LocalCluster;

/**
 * Side by side, in one run: each mover's full sync of a tree against its tool run directly on the same tree
 * ({@code rsync -a}, {@code rclone sync}, {@code restic backup}), then re-syncs after changing 1%, 2% and 5% of the
 * files, printing medians of several runs and their ratios. The tool, the same work and the mover take turns going
 * first.
 * A second baseline does, directly, what the mover must do beyond the bare tool by specification (rsync: VolSync's
 * flags to an rsync daemon; rclone: getfacl, sync and copy with VolSync's flags; restic: backup and forget), so that
 * what is Ferry's overhead and what is the tool's shows. Not a test: run {@code bench/movers.sh [MiB] [runs]
 * [movers]}; movers are {@code rsync}, {@code rclone} (VolSync's {@code --checksum}), {@code rclone-nochecksum}
 * ({@code ferry.replication.rclone.checksum=false}) and {@code restic}.
 */
public final class MoverBenchmark {

    private static final String NS = "bench";
    private static final long FILE_SIZE = 1 << 20;
    private static final int[] CHANGES = {1, 2, 5};
    private static final String FULL = "full";

    private final Path base;
    private final Path tree;
    private final int files;
    private final int runs;
    private final List<String> movers;
    private final List<String> report = new ArrayList<>();
    private final Semaphore jobEvents = new Semaphore(0);
    private int round;
    private int steps;

    /** One mover's samples: step ("full", "1%", …) → series ("tool", "same work", "mover", "job") → millis. */
    private final class Samples {
        final Map<String, Map<String, List<Long>>> steps = new LinkedHashMap<>();

        void add(String step, String series, long millis) {
            steps.computeIfAbsent(step, s -> new LinkedHashMap<>()).computeIfAbsent(series, s -> new ArrayList<>())
                    .add(millis);
        }
    }

    private MoverBenchmark(Path base, int mebibytes, int runs, List<String> movers) {
        this.movers = movers;
        this.base = base;
        this.tree = base.resolve("cluster/volumes").resolve(NS).resolve("data");
        this.files = mebibytes;
        this.runs = runs;
    }

    public static void main(String[] args) throws Exception {
        int mebibytes = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> movers = List.of((args.length > 2 ? args[2] : "rsync,rclone,rclone-nochecksum,restic")
                .split(","));
        Path base = Files.createTempDirectory("ferry-bench-");
        try {
            new MoverBenchmark(base, mebibytes, runs, movers).run();
        } finally {
            exec(base, List.of("rm", "-rf", base.toString()), Map.of());
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf("tree: %d files of 1 MiB (%d MiB) in 32 directories; %d runs each, medians; changes: "
                + "%s%% of the files rewritten%n", files, files, runs, java.util.Arrays.toString(CHANGES));
        generate();
        for (String mover : movers) {
            boolean checksum = !mover.equals("rclone-nochecksum");
            try (LocalCluster cluster = new LocalCluster(base.resolve("cluster"), Clock.systemUTC(),
                    LocalCluster.settings(checksum))) {
                cluster.jobs.onAttemptEnded(owner -> jobEvents.release());
                cluster.secret(NS, "rclone", Map.of("rclone.conf", "[store]\ntype = local\n"));
                switch (mover) {
                    case "rsync" -> rsync(cluster);
                    case "rclone", "rclone-nochecksum" -> rclone(cluster, mover, checksum);
                    case "restic" -> restic(cluster);
                    default -> throw new IllegalArgumentException("unknown mover " + mover);
                }
            }
        }
        System.out.println();
        System.out.println("medians in ms; ratio = mover / tool; +flush = the tool, then the flush of what it wrote "
                + "(VolSync's closing sync); 'same work' = what the mover must run, run directly");
        report.forEach(System.out::println);
    }

    private void generate() throws IOException {
        Random random = new Random(42);
        byte[] content = new byte[(int) FILE_SIZE];
        for (int i = 0; i < files; i++) {
            Path dir = Files.createDirectories(tree.resolve("d" + (i % 32)));
            random.nextBytes(content);
            Files.write(dir.resolve("f" + i + ".bin"), content);
        }
    }

    /** Rewrites {@code percent}% of the files (at least one, spread over the tree) with new content. */
    private void change(int percent) throws IOException {
        round++;
        Random random = new Random(1000 + round);
        byte[] content = new byte[(int) FILE_SIZE];
        int changed = Math.max(1, files * percent / 100);
        int step = Math.max(1, files / changed);
        for (int i = 0; i < changed; i++) {
            random.nextBytes(content);
            int index = (i * step + round) % files;
            Files.write(tree.resolve("d" + (index % 32)).resolve("f" + index + ".bin"), content);
        }
    }

    /** Times the tool, the same work directly and the mover for one step, in turns. */
    private void step(Samples samples, String step, int run, Step tool, Step sameWork, Step mover) throws Exception {
        List<Map.Entry<String, Step>> order = new ArrayList<>(List.of(Map.entry("tool", tool),
                Map.entry("same work", sameWork), Map.entry("mover", mover)));
        // Rotated step after step: over three runs each of the three goes first, second and third once.
        Collections.rotate(order, steps++ % 3);
        for (Map.Entry<String, Step> entry : order) {
            samples.add(step, entry.getKey(), time(entry.getValue()));
            if (entry.getKey().equals("tool")) {
                // What the tool left to the kernel, written now: the flush the mover does by specification.
                samples.add(step, "tool's flush", elapsed(MoverBenchmark::flushAll));
            }
        }
    }

    private void rsync(LocalCluster cluster) throws Exception {
        Samples samples = new Samples();
        Path daemonDir = Files.createDirectories(base.resolve("rsyncd"));
        Files.writeString(daemonDir.resolve("secrets"), "volsync:bench\n");
        Files.writeString(daemonDir.resolve("password"), "bench\n");
        exec(daemonDir, List.of("chmod", "600", "secrets", "password"), Map.of());
        for (int r = 0; r < runs; r++) {
            int run = r;
            Path target = base.resolve("rsync-direct-" + run);
            Path daemonTarget = Files.createDirectories(base.resolve("rsync-daemon-" + run));
            Process daemon = rsyncDaemon(daemonDir, daemonTarget);
            List<String> sameWork = List.of("rsync", "-aAhHSx", "--delete", "--itemize-changes",
                    "--info=stats2,misc2", "--sockopts=TCP_NODELAY", "--password-file=" + daemonDir.resolve("password"),
                    tree + "/", "rsync://volsync@127.0.0.1:" + DAEMON_PORT + "/data/");
            String name = "rd-" + run;
            String[] trigger = {FULL};
            ReplicationDestination[] rd = {LocalCluster.destination(NS, name, new ReplicationDestinationSpec(
                    new TriggerSpec(null, FULL), new RsyncDestinationSpec("Direct", "1Gi", null,
                            List.of("ReadWriteOnce"), null, null, null, null, null, null, null, null, null, null,
                            null, null), null, null, null, null, null))};
            ReplicationSource[] rs = {null};
            Step mover = () -> {
                // The destination listens first (its address goes into the source's spec), as in VolSync.
                if (rs[0] != null) {
                    rd[0] = withTrigger(rd[0], trigger[0]);
                }
                until(cluster, rd[0], s -> s.lastSyncStartTime != null && rd[0].status().rsync != null
                        && rd[0].status().rsync.address() != null
                        && cluster.jobs.get(NS, "volsync-rsync-dst-" + name).isPresent());
                // Its daemon accepts connections before the source's first attempt (else that attempt waits for
                // the retry delay: the benchmark would measure the race, not the mover).
                listening(rd[0].status().rsync.address(), rd[0].status().rsync.port());
                ReplicationSource next = rsyncSource(run, trigger[0], rd[0]);
                if (rs[0] != null) {
                    copyStatus(rs[0], next);
                }
                rs[0] = next;
                untilBoth(cluster, rs[0], rd[0], trigger[0]);
            };
            series(cluster, samples, run, () -> exec(base, List.of("rsync", "-a", tree + "/", target + "/"), Map.of()),
                    () -> exec(base, List.of("rsync", "-a", "--delete", tree + "/", target + "/"), Map.of()),
                    () -> {
                        exec(base, sameWork, Map.of());
                        exec(base, List.of("sync", "-f", daemonTarget.toString()), Map.of());
                    }, mover, trigger, "volsync-rsync-src-rs-" + run);
            daemon.destroy();
            daemon.waitFor();
            exec(base, List.of("rm", "-rf", target.toString(), daemonTarget.toString()), Map.of());
            cluster.reconciler.finalizeDeleted(rs[0]);
            cluster.reconciler.finalizeDeleted(rd[0]);
        }
        add("rsync", "rsync -a", "-aAhHSx to a daemon, flush", samples);
    }

    private static final int DAEMON_PORT = 38_873;

    /** An rsync daemon as the mover's destination runs it (same module settings), for the same-work baseline. */
    private Process rsyncDaemon(Path dir, Path target) throws Exception {
        Path conf = dir.resolve("rsyncd.conf");
        Files.writeString(conf, "pid file = " + dir.resolve("rsyncd.pid") + "\nuse chroot = false\nnumeric ids = true\n"
                + "munge symlinks = false\nreverse lookup = false\ntransfer logging = false\n"
                + "socket options = TCP_NODELAY\n"
                + ("root".equals(System.getProperty("user.name")) ? "uid = 0\ngid = 0\n" : "")
                + "[data]\npath = " + target + "\nread only = false\nauth users = volsync\nsecrets file = "
                + dir.resolve("secrets") + "\n");
        Files.deleteIfExists(dir.resolve("rsyncd.pid"));
        Process daemon = new ProcessBuilder("rsync", "--daemon", "--no-detach", "--config=" + conf,
                "--address=127.0.0.1", "--port=" + DAEMON_PORT).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        listening("127.0.0.1", DAEMON_PORT);
        return daemon;
    }

    private static void listening(String address, int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket probe = new java.net.Socket(address, port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(1);
            }
        }
        throw new IllegalStateException("nothing listens on " + address + ":" + port);
    }

    private ReplicationSource rsyncSource(int run, String manual, ReplicationDestination rd) {
        return LocalCluster.source(NS, "rs-" + run, new ReplicationSourceSpec("data", new TriggerSpec(null, manual),
                new RsyncSourceSpec("Direct", null, null, null, null, rd.status().rsync.sshKeys(), null,
                        rd.status().rsync.address(), rd.status().rsync.port(), null, null, null, null, null),
                null, null, null, null, null, null));
    }

    private void rclone(LocalCluster cluster, String label, boolean checksum) throws Exception {
        Samples samples = new Samples();
        Path conf = Files.writeString(base.resolve("rclone.conf"), "[store]\ntype = local\n");
        Map<String, String> env = Map.of("RCLONE_CONFIG", conf.toString());
        Path facl = Files.createDirectories(base.resolve("rclone-facl"));
        List<String> flags = new ArrayList<>(checksum ? List.of("--checksum") : List.of());
        flags.addAll(List.of("--one-file-system", "--create-empty-src-dirs", "--stats", "20s", "--transfers", "10"));
        for (int run = 0; run < runs; run++) {
            Path directRemote = base.resolve("rclone-direct-" + run);
            Path sameRemote = base.resolve("rclone-same-" + run);
            Path remote = base.resolve("rclone-mover-" + run);
            Step sameWork = () -> {
                exec(tree, List.of("sh", "-c", "getfacl -R . > " + facl.resolve("permissions.facl")), Map.of());
                List<String> sync = new ArrayList<>(List.of("rclone", "sync"));
                sync.addAll(flags);
                sync.addAll(List.of(tree.toString(), "store:" + sameRemote, "--log-level", "DEBUG"));
                exec(base, sync, env);
                List<String> copy = new ArrayList<>(List.of("rclone", "copy"));
                copy.addAll(flags);
                copy.addAll(List.of("--stats-one-line-date", "--include", "permissions.facl", facl.toString(),
                        "store:" + sameRemote, "--log-level", "DEBUG"));
                exec(base, copy, env);
                exec(base, List.of("sync", "-f", sameRemote.toString()), Map.of());
            };
            ReplicationSource[] rs = {LocalCluster.source(NS, "rc-" + run, new ReplicationSourceSpec("data",
                    new TriggerSpec(null, FULL), null, null, new RcloneSourceSpec("Direct", null, null, null, null,
                            "rclone", "store", remote.toString(), null, null, null, null, null),
                    null, null, null, null))};
            String[] trigger = {FULL};
            Step mover = () -> {
                rs[0] = withTrigger(rs[0], trigger[0]);
                until(cluster, rs[0], s -> done(s, trigger[0]));
            };
            Step tool = () -> exec(base, List.of("rclone", "sync", tree.toString(), "store:" + directRemote), env);
            series(cluster, samples, run, tool, tool, sameWork, mover, trigger, "volsync-rclone-src-rc-" + run);
            exec(base, List.of("rm", "-rf", directRemote.toString(), sameRemote.toString(), remote.toString()),
                    Map.of());
            cluster.reconciler.finalizeDeleted(rs[0]);
        }
        add(label, "rclone sync", checksum ? "getfacl, sync --checksum, copy, flush" : "getfacl, sync, copy, flush",
                samples);
    }

    private void restic(LocalCluster cluster) throws Exception {
        Samples samples = new Samples();
        for (int run = 0; run < runs; run++) {
            // One repository initialised, then copied: restic calibrates its key derivation when it initialises a
            // repository, so repositories initialised apart (on a busy machine) cost different times to open.
            Path template = base.resolve("restic-template");
            exec(base, List.of("restic", "init"), Map.of("RESTIC_REPOSITORY", template.toString(), "RESTIC_PASSWORD",
                    "bench"));
            Map<String, String> directEnv = resticRepository(template, "restic-direct-" + run, "restic-cache-" + run);
            Map<String, String> sameEnv = resticRepository(template, "restic-same-" + run, "restic-same-cache-" + run);
            Path moverRepo = base.resolve("restic-mover-" + run);
            exec(base, List.of("cp", "-a", template.toString(), moverRepo.toString()), Map.of());
            exec(base, List.of("rm", "-rf", template.toString()), Map.of());
            cluster.secret(NS, "restic-" + run, Map.of("RESTIC_REPOSITORY", moverRepo.toString(), "RESTIC_PASSWORD",
                    "bench"));
            Step tool = () -> exec(tree, List.of("restic", "backup", "--host", "volsync", "."), directEnv);
            Step sameWork = () -> {
                exec(tree, List.of("restic", "backup", "--host", "volsync", "--exclude=lost+found", "."), sameEnv);
                exec(tree, List.of("restic", "forget", "--host", "volsync", "--group-by", "host", "--keep-last", "1"),
                        sameEnv);
            };
            ReplicationSource[] rs = {LocalCluster.source(NS, "rr-" + run, new ReplicationSourceSpec("data",
                    new TriggerSpec(null, FULL), null, null, null, new ResticSourceSpec("Direct", null, null, null,
                            null, "restic-" + run, null, null, null, null, null, null, null, null, null, null, null),
                    null, null, null))};
            String[] trigger = {FULL};
            Step mover = () -> {
                rs[0] = withTrigger(rs[0], trigger[0]);
                until(cluster, rs[0], s -> done(s, trigger[0]));
            };
            series(cluster, samples, run, tool, tool, sameWork, mover, trigger, "volsync-src-rr-" + run);
            exec(base, List.of("rm", "-rf", directEnv.get("RESTIC_REPOSITORY"), sameEnv.get("RESTIC_REPOSITORY"),
                    moverRepo.toString()), Map.of());
            cluster.reconciler.finalizeDeleted(rs[0]);
        }
        add("restic", "restic backup", "backup, forget", samples);
    }

    private Map<String, String> resticRepository(Path template, String repository, String cache) throws Exception {
        exec(base, List.of("cp", "-a", template.toString(), base.resolve(repository).toString()), Map.of());
        return Map.of("RESTIC_REPOSITORY", base.resolve(repository).toString(), "RESTIC_PASSWORD", "bench",
                "RESTIC_CACHE_DIR", base.resolve(cache).toString());
    }

    /**
     * The full sync, then each change in turn (the mover's trigger is set per step): the tool, the same work and the
     * mover each time, and the mover job's own duration beside.
     */
    private void series(LocalCluster cluster, Samples samples, int run, Step fullTool, Step changeTool, Step sameWork,
            Step mover, String[] trigger, String job) throws Exception {
        step(samples, FULL, run, fullTool, sameWork, mover);
        jobTime(cluster, samples, FULL, job);
        for (int percent : CHANGES) {
            change(percent);
            trigger[0] = "change-" + percent;
            step(samples, percent + "%", run, changeTool, sameWork, mover);
            jobTime(cluster, samples, percent + "%", job);
        }
    }

    private void jobTime(LocalCluster cluster, Samples samples, String step, String job) {
        cluster.jobs.get(NS, job).filter(j -> j.completionTime() != null).ifPresent(j -> samples.add(step, "job",
                Duration.between(j.startTime(), j.completionTime()).toMillis()));
    }

    private static ReplicationSource withTrigger(ReplicationSource rs, String manual) {
        var s = rs.spec();
        return new ReplicationSource(rs.apiVersion(), rs.kind(), rs.metadata(), new ReplicationSourceSpec(
                s.sourcePVC(), new TriggerSpec(null, manual), s.rsync(), null, s.rclone(), s.restic(), null, null,
                null), rs.status());
    }

    private static ReplicationDestination withTrigger(ReplicationDestination rd, String manual) {
        var s = rd.spec();
        return new ReplicationDestination(rd.apiVersion(), rd.kind(), rd.metadata(), new ReplicationDestinationSpec(
                new TriggerSpec(null, manual), s.rsync(), null, s.rclone(), s.restic(), null, null), rd.status());
    }

    private static void copyStatus(ReplicationSource from, ReplicationSource to) {
        to.status().lastSyncTime = from.status().lastSyncTime;
        to.status().lastSyncStartTime = from.status().lastSyncStartTime;
        to.status().lastManualSync = from.status().lastManualSync;
        to.status().conditions = from.status().conditions;
        to.status().rsync = from.status().rsync;
    }

    private static boolean done(ReplicationStatus s, String manual) {
        return manual.equals(s.lastManualSync) && s.lastSyncStartTime == null;
    }

    /**
     * Drives objects as the controller does: another pass at once when the state moved, otherwise when a job
     * attempt ends (or after a second at the latest), so that the measurement is not a polling loop's.
     */
    private void until(LocalCluster cluster, ReplicationObject object, Predicate<ReplicationStatus> done)
            throws InterruptedException {
        drive(cluster, List.of(object), List.of(done));
    }

    private void untilBoth(LocalCluster cluster, ReplicationSource rs, ReplicationDestination rd, String manual)
            throws InterruptedException {
        drive(cluster, List.of(rs, rd), List.of(s -> done(s, manual), s -> done(s, manual)));
    }

    private void drive(LocalCluster cluster, List<ReplicationObject> objects, List<Predicate<ReplicationStatus>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
        while (true) {
            // Events of attempts ending from here on count: one arriving during the passes below wakes the next wait.
            jobEvents.drainPermits();
            boolean moved = false;
            boolean all = true;
            for (int i = 0; i < objects.size(); i++) {
                ReplicationObject object = objects.get(i);
                if (done.get(i).test(object.status())) {
                    continue;
                }
                Reconciler.Pass pass = cluster.reconciler.reconcile(object);
                moved |= pass.stateChanged();
                all &= done.get(i).test(object.status());
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no progress: " + objects.get(0).status().conditions);
            }
            if (!moved) {
                jobEvents.tryAcquire(1, TimeUnit.SECONDS);
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Times a step after a flush, so that it pays for no earlier step's dirty pages. */
    private static long time(Step step) throws Exception {
        flushAll();
        return elapsed(step);
    }

    private static void flushAll() throws Exception {
        exec(Path.of("/"), List.of("sync"), Map.of());
    }

    private static long elapsed(Step step) throws Exception {
        long begin = System.nanoTime();
        step.run();
        return (System.nanoTime() - begin) / 1_000_000;
    }

    private static void exec(Path cwd, List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        int code = builder.start().waitFor();
        if (code != 0) {
            throw new IllegalStateException(command + " exited with " + code);
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /**
     * A re-sync's time as a fixed cost plus a cost per percent changed, from the smallest and the largest change:
     * proportional to the change means a cost per percent near the full sync's hundredth, and a fixed cost that is
     * the tool's own start (repository openings, listing), not the tree's size.
     */
    private static String proportionality(String mover, Samples samples) {
        int small = CHANGES[0];
        int large = CHANGES[CHANGES.length - 1];
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-17s | re-sync = fixed + per %% x change:",
                mover));
        for (String who : List.of("tool", "mover")) {
            long first = median(samples.steps.get(small + "%").get(who));
            long last = median(samples.steps.get(large + "%").get(who));
            double perPercent = (double) (last - first) / (large - small);
            line.append(String.format(Locale.ROOT, " %s %.0f + %.1f/%% (full / 100: %.1f);", who,
                    first - perPercent * small, perPercent, median(samples.steps.get(FULL).get(who)) / 100.0));
        }
        return line.toString();
    }

    private void add(String mover, String tool, String sameWork, Samples samples) {
        report.add(String.format(Locale.ROOT,
                "%-17s | %-6s | %-14s %7s | %6s | %-30s %7s | %7s | %5s | %10s | %7s | %7s", "mover", "step", "tool",
                "ms", "+flush", "same work directly", "ms", "mover", "ratio", "vs +flush", "vs same", "its job"));
        samples.steps.forEach((step, series) -> {
            long t = median(series.get("tool"));
            List<Long> flushed = new ArrayList<>();
            for (int i = 0; i < series.get("tool").size(); i++) {
                flushed.add(series.get("tool").get(i) + series.get("tool's flush").get(i));
            }
            long tf = median(flushed);
            long w = median(series.get("same work"));
            long m = median(series.get("mover"));
            String job = series.containsKey("job") ? String.valueOf(median(series.get("job"))) : "-";
            String line = String.format(Locale.ROOT,
                    "%-17s | %-6s | %-14s %7d | %6d | %-30s %7d | %7d | %5.2f | %10.2f | %7.2f | %7s", mover, step,
                    tool, t, tf, sameWork, w, m, (double) m / t, (double) m / tf, (double) m / w, job);
            report.add(line);
            System.out.println(line + "   runs: tool " + series.get("tool") + " its flush "
                    + series.get("tool's flush") + " same " + series.get("same work") + " mover "
                    + series.get("mover") + " job " + series.getOrDefault("job", List.of()));
        });
        report.add(proportionality(mover, samples));
    }
}
