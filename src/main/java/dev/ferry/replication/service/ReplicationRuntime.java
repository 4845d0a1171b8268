package dev.ferry.replication.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.ferry.replication.job.LocalJobRunner;
import dev.ferry.replication.mover.Catalog;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverSettings;
import dev.ferry.replication.mover.rclone.RcloneBuilder;
import dev.ferry.replication.mover.restic.ResticBuilder;
import dev.ferry.replication.mover.rsync.RsyncBuilder;
import dev.ferry.replication.mover.rsynctls.RsyncTlsBuilder;
import dev.ferry.replication.mover.syncthing.SyncthingBuilder;
import dev.ferry.replication.reconcile.ObjectMetrics;
import dev.ferry.replication.reconcile.Reconciler;
import dev.ferry.replication.volume.LocalConfigMapStore;
import dev.ferry.replication.volume.LocalSecretStore;
import dev.ferry.replication.volume.LocalServiceBackend;
import dev.ferry.replication.volume.LocalVolumeBackend;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The local runtime of the movers: volume, secret and service backends on directories, the job runner, the catalog
 * (rsync, rclone, restic, rsync-tls, syncthing) and the reconciler, with their thread pools — reconcile
 * passes and job processes run there, never on an event loop.
 */
@ApplicationScoped
public class ReplicationRuntime {

    private static final Logger LOG = Logger.getLogger(ReplicationRuntime.class);

    private final ReplicationConfig config;
    private final Clock clock;
    private final ExecutorService passes;
    private final ExecutorService jobThreads;
    private final ScheduledExecutorService timer;
    private final LocalJobRunner jobs;
    private final LocalVolumeBackend volumes;
    private final MoverEnvironment env;
    private final Catalog catalog;
    private final Reconciler reconciler;

    public ReplicationRuntime(ReplicationConfig config, ObjectMetrics.Factory metrics) {
        this.config = config;
        this.clock = Clock.systemUTC();
        this.passes = Executors.newFixedThreadPool(config.workers(), named("ferry-replication-pass"));
        this.jobThreads = Executors.newCachedThreadPool(named("ferry-replication-job"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("ferry-replication-timer"));
        this.jobs = new LocalJobRunner(jobThreads, timer, config.jobRetryDelay(), config.toolStopGrace(),
                config.scratchDir(), clock);
        this.volumes = new LocalVolumeBackend(config.volumesRoot());
        MoverSettings settings = new MoverSettings(config.tools().rsync(), config.tools().rclone(),
                config.tools().restic(), config.tools().sync(), config.bindAddress(), config.rsync().compress(),
                config.rsync().sparse(), config.rsync().retryDelay(), config.rclone().checksum(),
                config.moverLog().maxBytes(), config.moverLog().debug(),
                config.moverLog().tailLines(), config.tools().stunnel(),
                config.tools().syncthing(), config.tools().openssl());
        this.env = new MoverEnvironment(volumes, new LocalSecretStore(config.secretsRoot()),
                new LocalConfigMapStore(config.configmapsRoot()),
                new LocalServiceBackend(config.volumesRoot(), config.bindAddress()), jobs, clock, settings);
        String rsync = version(config.tools().rsync(), "--version");
        this.catalog = new Catalog().register(new RsyncBuilder(rsync))
                .register(new RcloneBuilder(version(config.tools().rclone(), "version")))
                .register(new ResticBuilder(version(config.tools().restic(), "version")))
                .register(new RsyncTlsBuilder(rsync + ", " + version(config.tools().stunnel(), "-version")))
                .register(new SyncthingBuilder(version(config.tools().syncthing(), "--version")));
        List<String> privileged = config.privilegedNamespaces().orElse(List.of());
        this.reconciler = new Reconciler(catalog, env, metrics, privileged::contains);
        try {
            Files.createDirectories(config.volumesRoot());
            Files.createDirectories(config.secretsRoot());
        } catch (IOException e) {
            LOG.errorf("Cannot create the replication roots: %s", e.getMessage());
        }
        catalog.builders().forEach(b -> LOG.info(b.versionInfo()));
    }

    /** Reads a tool's version line (start-up only); "not installed" when it cannot be run. */
    static String version(String binary, String flag) {
        try {
            Process process = new ProcessBuilder(binary, flag).redirectErrorStream(true).start();
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(line -> !line.isEmpty()).toList();
            process.waitFor();
            // The first line naming the tool (stunnel says something else first), else the first line.
            String name = Path.of(binary).getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            return lines.stream().filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith(name)).findFirst()
                    .orElse(lines.isEmpty() ? binary : lines.get(0));
        } catch (IOException e) {
            return binary + " (not installed)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return binary;
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public ReplicationConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public ExecutorService passes() {
        return passes;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    public LocalJobRunner jobs() {
        return jobs;
    }

    public LocalVolumeBackend volumes() {
        return volumes;
    }

    public MoverEnvironment environment() {
        return env;
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    @PreDestroy
    void close() {
        jobs.close();
        passes.shutdownNow();
        jobThreads.shutdownNow();
        timer.shutdownNow();
    }
}
