package dev.ferry.replication.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

import dev.ferry.replication.api.ObjectMeta;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationSpec;
import dev.ferry.replication.api.ReplicationDestinationStatus;
import dev.ferry.replication.api.ReplicationObject;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.ReplicationSourceStatus;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.job.LocalJobRunner;
import dev.ferry.replication.mover.Catalog;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverSettings;
import dev.ferry.replication.mover.rsynctls.RsyncTlsBuilder;
import dev.ferry.replication.mover.rclone.RcloneBuilder;
import dev.ferry.replication.mover.restic.ResticBuilder;
import dev.ferry.replication.mover.rsync.RsyncBuilder;
import dev.ferry.replication.mover.syncthing.SyncthingBuilder;
import dev.ferry.replication.reconcile.Reconciler;
import dev.ferry.replication.reconcile.RecordingMetrics;
import dev.ferry.replication.volume.LocalConfigMapStore;
import dev.ferry.replication.volume.LocalSecretStore;
import dev.ferry.replication.volume.LocalServiceBackend;
import dev.ferry.replication.volume.LocalVolumeBackend;

/** Volumes, secrets, jobs and a reconciler on temporary directories: VolSync's world without a cluster. */
public final class LocalCluster implements AutoCloseable {

    /** As Ferry's default: time for a stopped tool to clean up (restic its lock). */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);

    public final Path volumesRoot;
    public final Path secretsRoot;
    public final Path configMapsRoot;
    public final LocalVolumeBackend volumes;
    public final LocalSecretStore secrets;
    public final LocalJobRunner jobs;
    public final MoverEnvironment env;
    public final RecordingMetrics metrics = new RecordingMetrics();
    public final Reconciler reconciler;
    private static final String FLUSHES = "flushes.log";
    private final Path base;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    public LocalCluster(Path base) throws IOException {
        this(base, Clock.systemUTC());
    }

    /** With a {@code sync} that records its arguments (see {@link #flushes()}) before it flushes. */
    public LocalCluster(Path base, Clock clock) throws IOException {
        this(base, clock, settings(true, recordingSync(base)));
    }

    /** The tools from the PATH with Ferry's defaults, short retry delays, and rclone's --checksum as given. */
    public static MoverSettings settings(boolean rcloneChecksum) {
        return settings(rcloneChecksum, "sync");
    }

    public static MoverSettings settings(boolean rcloneChecksum, String syncBinary) {
        return new MoverSettings("rsync", "rclone", "restic", syncBinary, "127.0.0.1", false,
                !"false".equals(System.getProperty("ferry.bench.rsync-sparse")), Duration.ofMillis(100),
                rcloneChecksum, 1024, false, -1, "stunnel", "syncthing", "openssl");
    }

    private static String recordingSync(Path base) throws IOException {
        Path tools = Files.createDirectories(base.resolve("tools"));
        Path script = tools.resolve("sync");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + tools.resolve(FLUSHES)
                + "'\nexec sync \"$@\"\n");
        script.toFile().setExecutable(true);
        return script.toString();
    }

    /** The arguments of each {@code sync} the movers ran, in order (with the recording {@code sync}). */
    public java.util.List<String> flushes() throws IOException {
        Path log = base.resolve("tools").resolve(FLUSHES);
        return Files.exists(log) ? Files.readAllLines(log) : java.util.List.of();
    }

    public LocalCluster(Path base, Clock clock, MoverSettings settings) throws IOException {
        this.base = base;
        volumesRoot = Files.createDirectories(base.resolve("volumes"));
        secretsRoot = Files.createDirectories(base.resolve("secrets"));
        configMapsRoot = Files.createDirectories(base.resolve("configmaps"));
        volumes = new LocalVolumeBackend(volumesRoot);
        secrets = new LocalSecretStore(secretsRoot);
        jobs = new LocalJobRunner(executor, timer, Duration.ofMillis(100), STOP_GRACE, base.resolve("scratch"),
                clock);
        env = new MoverEnvironment(volumes, secrets, new LocalConfigMapStore(configMapsRoot), new LocalServiceBackend(volumesRoot, "127.0.0.1"), jobs, clock,
                settings);
        Catalog catalog = new Catalog().register(new RsyncBuilder("rsync")).register(new RcloneBuilder("rclone"))
                .register(new ResticBuilder("restic")).register(new RsyncTlsBuilder("rsync-tls"))
                .register(new SyncthingBuilder("syncthing"));
        reconciler = new Reconciler(catalog, env, metrics, ns -> false);
    }

    public Path pvc(String namespace, String name) throws IOException {
        return Files.createDirectories(volumesRoot.resolve(namespace).resolve(name));
    }

    public void secret(String namespace, String name, Map<String, String> data) throws IOException {
        Path dir = Files.createDirectories(secretsRoot.resolve(namespace).resolve(name));
        for (var entry : data.entrySet()) {
            Files.writeString(dir.resolve(entry.getKey()), entry.getValue(), StandardCharsets.UTF_8);
        }
    }

    public static ObjectMeta meta(String namespace, String name) {
        return new ObjectMeta(name, namespace, UUID.randomUUID().toString(), 1L, null, Instant.now(), null, null);
    }

    public static ReplicationSource source(String namespace, String name, ReplicationSourceSpec spec) {
        return new ReplicationSource(ReplicationObject.API_VERSION, ReplicationSource.KIND, meta(namespace, name), spec,
                new ReplicationSourceStatus());
    }

    public static ReplicationDestination destination(String namespace, String name, ReplicationDestinationSpec spec) {
        return new ReplicationDestination(ReplicationObject.API_VERSION, ReplicationDestination.KIND,
                meta(namespace, name), spec, new ReplicationDestinationStatus());
    }

    /** Reconciles the object again and again (as requeues and job events would) until its status matches. */
    public void reconcileUntil(ReplicationObject object, Predicate<ReplicationStatus> done, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(25)).until(() -> {
            reconciler.reconcile(object);
            return done.test(object.status());
        });
    }

    /** Two objects reconciled side by side (a source and its destination) until both statuses match. */
    public void reconcileBothUntil(ReplicationObject a, Predicate<ReplicationStatus> doneA, ReplicationObject b,
            Predicate<ReplicationStatus> doneB, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(25)).until(() -> {
            if (!doneA.test(a.status())) {
                reconciler.reconcile(a);
            }
            if (!doneB.test(b.status())) {
                reconciler.reconcile(b);
            }
            return doneA.test(a.status()) && doneB.test(b.status());
        });
    }

    @Override
    public void close() {
        jobs.close();
        executor.shutdownNow();
        timer.shutdownNow();
    }
}
