package dev.ferry.replication.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * ({@code rsync -a}, {@code rclone sync}, {@code restic backup}), then a re-sync after changing 1% of the tree,
 * printing medians of several runs and their ratios. Not a test: run {@code bench/movers.sh [MiB] [runs] [movers]}
 * ({@code BENCH_JAVA_OPTS=-Dferry.bench.rclone-checksum=false} runs rclone without {@code --checksum}).
 */
public final class MoverBenchmark {

    private static final String NS = "bench";
    private static final long FILE_SIZE = 1 << 20;

    private final Path base;
    private final Path tree;
    private final int files;
    private final int runs;
    private final List<String> report = new ArrayList<>();
    private final Semaphore jobEvents = new Semaphore(0);
    private final Map<String, List<Long>> jobMillis = new java.util.HashMap<>();

    private final List<String> movers;

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
        List<String> movers = List.of((args.length > 2 ? args[2] : "rsync,rclone,restic").split(","));
        Path base = Files.createTempDirectory("ferry-bench-");
        try {
            new MoverBenchmark(base, mebibytes, runs, movers).run();
        } finally {
            exec(base, List.of("rm", "-rf", base.toString()), Map.of());
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf("tree: %d files of 1 MiB (%d MiB), %d runs each, medians%n", files, files, runs);
        generate();
        try (LocalCluster cluster = new LocalCluster(base.resolve("cluster"))) {
            cluster.jobs.onAttemptEnded(owner -> jobEvents.release());
            cluster.secret(NS, "rclone", Map.of("rclone.conf", "[store]\ntype = local\n"));
            if (movers.contains("rsync")) {
                rsync(cluster);
            }
            if (movers.contains("rclone")) {
                rclone(cluster);
            }
            if (movers.contains("restic")) {
                restic(cluster);
            }
        }
        System.out.println();
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

    /** Rewrites 1% of the files (at least one) with new content. */
    private void change(int round) throws IOException {
        Random random = new Random(1000 + round);
        byte[] content = new byte[(int) FILE_SIZE];
        int changed = Math.max(1, files / 100);
        for (int i = 0; i < changed; i++) {
            random.nextBytes(content);
            int index = (i * 100 + round) % files;
            Files.write(tree.resolve("d" + (index % 32)).resolve("f" + index + ".bin"), content);
        }
    }

    private void rsync(LocalCluster cluster) throws Exception {
        List<Long> direct = new ArrayList<>();
        List<Long> mover = new ArrayList<>();
        List<Long> directChange = new ArrayList<>();
        List<Long> moverChange = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            Path target = base.resolve("rsync-direct-" + run);
            direct.add(time(() -> exec(base, List.of("rsync", "-a", tree + "/", target + "/"), Map.of())));
            ReplicationDestination rd = LocalCluster.destination(NS, "rd-" + run, new ReplicationDestinationSpec(
                    new TriggerSpec(null, "full"), new RsyncDestinationSpec("Direct", "1Gi", null,
                            List.of("ReadWriteOnce"), null, null, null, null, null, null, null, null, null, null,
                            null, null), null, null, null, null, null));
            until(cluster, rd, s -> s.lastSyncStartTime != null && rd.status().rsync != null
                    && rd.status().rsync.address() != null);
            ReplicationSource rs = rsyncSource(run, "full", rd);
            mover.add(time(() -> untilBoth(cluster, rs, rd, "full")));
            jobTime(cluster, "rsync", "volsync-rsync-src-rs-" + run);

            change(run);
            directChange.add(time(() -> exec(base, List.of("rsync", "-a", "--delete", tree + "/", target + "/"),
                    Map.of())));
            ReplicationDestination rd2 = withTrigger(rd, "change");
            String daemon = "volsync-rsync-dst-rd-" + run;
            until(cluster, rd2, s -> s.lastSyncStartTime != null && cluster.jobs.get(NS, daemon).isPresent());
            ReplicationSource rs2 = rsyncSource(run, "change", rd2);
            rs2.status().lastSyncTime = rs.status().lastSyncTime;
            copyStatus(rs, rs2);
            moverChange.add(time(() -> untilBoth(cluster, rs2, rd2, "change")));
            exec(base, List.of("rm", "-rf", target.toString()), Map.of());
            cluster.reconciler.finalizeDeleted(rs2);
            cluster.reconciler.finalizeDeleted(rd2);
        }
        add("rsync", "rsync -a", direct, mover, directChange, moverChange);
    }

    private ReplicationSource rsyncSource(int run, String manual, ReplicationDestination rd) {
        return LocalCluster.source(NS, "rs-" + run, new ReplicationSourceSpec("data", new TriggerSpec(null, manual),
                new RsyncSourceSpec("Direct", null, null, null, null, rd.status().rsync.sshKeys(), null,
                        rd.status().rsync.address(), rd.status().rsync.port(), null, null, null, null, null),
                null, null, null, null, null, null));
    }

    private void rclone(LocalCluster cluster) throws Exception {
        List<Long> direct = new ArrayList<>();
        List<Long> mover = new ArrayList<>();
        List<Long> directChange = new ArrayList<>();
        List<Long> moverChange = new ArrayList<>();
        Path conf = Files.writeString(base.resolve("rclone.conf"), "[store]\ntype = local\n");
        Map<String, String> env = Map.of("RCLONE_CONFIG", conf.toString());
        for (int run = 0; run < runs; run++) {
            Path directRemote = base.resolve("rclone-direct-" + run);
            direct.add(time(() -> exec(base, List.of("rclone", "sync", tree.toString(), "store:" + directRemote),
                    env)));
            Path remote = base.resolve("rclone-mover-" + run);
            ReplicationSource rs = LocalCluster.source(NS, "rc-" + run, new ReplicationSourceSpec("data",
                    new TriggerSpec(null, "full"), null, null, new RcloneSourceSpec("Direct", null, null, null, null,
                            "rclone", "store", remote.toString(), null, null, null, null, null),
                    null, null, null, null));
            mover.add(time(() -> until(cluster, rs, s -> done(s, "full"))));
            jobTime(cluster, "rclone", "volsync-rclone-src-rc-" + run);
            change(100 + run);
            directChange.add(time(() -> exec(base, List.of("rclone", "sync", tree.toString(),
                    "store:" + directRemote), env)));
            ReplicationSource rs2 = withTrigger(rs, "change");
            moverChange.add(time(() -> until(cluster, rs2, s -> done(s, "change"))));
            exec(base, List.of("rm", "-rf", directRemote.toString(), remote.toString()), Map.of());
            cluster.reconciler.finalizeDeleted(rs2);
        }
        add("rclone", "rclone sync", direct, mover, directChange, moverChange);
    }

    private void restic(LocalCluster cluster) throws Exception {
        List<Long> direct = new ArrayList<>();
        List<Long> mover = new ArrayList<>();
        List<Long> directChange = new ArrayList<>();
        List<Long> moverChange = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            Path directRepo = base.resolve("restic-direct-" + run);
            Path moverRepo = base.resolve("restic-mover-" + run);
            Map<String, String> directEnv = Map.of("RESTIC_REPOSITORY", directRepo.toString(), "RESTIC_PASSWORD",
                    "bench", "RESTIC_CACHE_DIR", base.resolve("restic-cache-" + run).toString());
            exec(base, List.of("restic", "init"), directEnv);
            exec(base, List.of("restic", "init"), Map.of("RESTIC_REPOSITORY", moverRepo.toString(),
                    "RESTIC_PASSWORD", "bench"));
            cluster.secret(NS, "restic-" + run, Map.of("RESTIC_REPOSITORY", moverRepo.toString(), "RESTIC_PASSWORD",
                    "bench"));
            direct.add(time(() -> exec(tree, List.of("restic", "backup", "--host", "volsync", "."), directEnv)));
            ReplicationSource rs = LocalCluster.source(NS, "rr-" + run, new ReplicationSourceSpec("data",
                    new TriggerSpec(null, "full"), null, null, null, new ResticSourceSpec("Direct", null, null, null,
                            null, "restic-" + run, null, null, null, null, null, null, null, null, null, null, null),
                    null, null, null));
            mover.add(time(() -> until(cluster, rs, s -> done(s, "full"))));
            jobTime(cluster, "restic", "volsync-src-rr-" + run);
            change(200 + run);
            directChange.add(time(() -> exec(tree, List.of("restic", "backup", "--host", "volsync", "."),
                    directEnv)));
            ReplicationSource rs2 = withTrigger(rs, "change");
            moverChange.add(time(() -> until(cluster, rs2, s -> done(s, "change"))));
            exec(base, List.of("rm", "-rf", directRepo.toString(), moverRepo.toString()), Map.of());
            cluster.reconciler.finalizeDeleted(rs2);
        }
        add("restic", "restic backup", direct, mover, directChange, moverChange);
    }

    /** How long the mover's job itself ran (its tool invocations), apart from the reconcile around it. */
    private void jobTime(LocalCluster cluster, String mover, String job) {
        cluster.jobs.get(NS, job).filter(j -> j.completionTime() != null).ifPresent(j -> jobMillis
                .computeIfAbsent(mover, m -> new ArrayList<>())
                .add(Duration.between(j.startTime(), j.completionTime()).toMillis()));
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
                jobEvents.drainPermits();
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static long time(Step step) throws Exception {
        exec(Path.of("/"), List.of("sync"), Map.of());
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

    private void add(String mover, String tool, List<Long> direct, List<Long> viaMover, List<Long> directChange,
            List<Long> moverChange) {
        long d = median(direct);
        long m = median(viaMover);
        long dc = median(directChange);
        long mc = median(moverChange);
        String line = String.format(Locale.ROOT,
                "%-7s full: %-14s %7d ms | mover %7d ms | ratio %.2f || 1%% change: tool %6d ms | mover %6d ms "
                        + "| ratio %.2f | mover change/full %.3f   (runs: tool %s mover %s; change tool %s mover %s)",
                mover, tool, d, m, (double) m / d, dc, mc, (double) mc / dc, (double) mc / m, direct, viaMover,
                directChange, moverChange);
        List<Long> jobs = jobMillis.getOrDefault(mover, List.of());
        if (!jobs.isEmpty()) {
            line += String.format(Locale.ROOT, "%n%-7s       of the mover's full sync, its job (the tool runs) took %d ms "
                    + "(median of %s)", "", median(jobs), jobs);
        }
        report.add(line);
        System.out.println(line);
    }
}
