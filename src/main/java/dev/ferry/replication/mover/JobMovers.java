package dev.ferry.replication.mover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.ferry.replication.api.CustomCaSpec;
import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ReplicationObject;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.job.JobContext;
import dev.ferry.replication.job.JobReplacedException;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.job.JobStatus;
import dev.ferry.replication.volume.CopyTriggerTimeoutException;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.Volume;

/** The Job handling all job-based movers share. */
public final class JobMovers {

    private JobMovers() {
    }

    /**
     * A destination's PVC: the user's {@code destinationPVC}, else the one Ferry provisions,
     * {@code volsync-<name>-<suffix>}.
     */
    public static String destinationPvcName(Owner owner, String destinationPvc, String suffix) {
        return destinationPvc != null && !destinationPvc.isEmpty() ? destinationPvc
                : "volsync-" + owner.name() + "-" + suffix;
    }

    /** A destination's volume: the user's {@code destinationPVC} as it is, else one provisioned to the spec's size. */
    public static Volume destinationVolume(MoverEnvironment env, Owner owner, String destinationPvc, String suffix,
            String capacity, List<String> accessModes) throws MoverException {
        if (destinationPvc != null && !destinationPvc.isEmpty()) {
            return env.volumes().get(owner.namespace(), destinationPvc);
        }
        return env.volumes().ensureNewPvc(owner.namespace(), destinationPvcName(owner, destinationPvc, suffix), owner,
                capacity, accessModes);
    }

    public static Owner owner(ReplicationObject object) {
        return new Owner(object.kind(), object.metadata().namespace(), object.metadata().name(),
                object.metadata().uid());
    }

    /**
     * Ensures the job and reads it: true once it succeeded (latestMoverStatus = Successful with the filtered logs);
     * when its failures reached the back-off limit, records Failed with all logs and deletes it so that the next
     * pass starts it again; false while it has not succeeded. A job whose template changed is deleted and the
     * pass fails with VolSync's error, so that the next pass creates it anew.
     */
    public static boolean ensureJob(MoverEnvironment env, JobSpec spec, ReplicationStatus status,
            Predicate<String> successFilter) throws MoverException {
        return ensureJob(env, spec, status, successFilter, null);
    }

    /**
     * As {@link #ensureJob(MoverEnvironment, JobSpec, ReplicationStatus, Predicate)}, a failure's logs filtered (all
     * of them when the filter is null).
     */
    public static boolean ensureJob(MoverEnvironment env, JobSpec spec, ReplicationStatus status,
            Predicate<String> successFilter, Predicate<String> failureFilter) throws MoverException {
        JobStatus job;
        try {
            job = env.jobs().ensure(spec);
        } catch (JobReplacedException e) {
            throw new MoverException(e.getMessage(), e);
        }
        if (job.succeeded() > 0) {
            status.latestMoverStatus = new MoverStatus(MoverStatus.SUCCESSFUL,
                    MoverLogs.filter(job.logs(), successFilter, env.settings()));
            return true;
        }
        if (job.failed() >= spec.backoffLimit()) {
            status.latestMoverStatus = new MoverStatus(MoverStatus.FAILED, failureFilter == null
                    ? MoverLogs.all(job.logs(), env.settings()) : MoverLogs.filter(job.logs(), failureFilter,
                            env.settings()));
            env.jobs().delete(spec.namespace(), spec.name());
        }
        return false;
    }

    /** Where a {@code customCA} comes from: a Secret's key, or a ConfigMap's. */
    private record CaSource(boolean secret, String name, String key) {
    }

    /** VolSync's choice: none when the key is empty; the Secret when one is named, else the ConfigMap if named. */
    private static Optional<CaSource> caSource(CustomCaSpec ca) {
        if (ca == null || ca.key() == null || ca.key().isEmpty()) {
            return Optional.empty();
        }
        if (ca.secretName() != null && !ca.secretName().isEmpty()) {
            return Optional.of(new CaSource(true, ca.secretName(), ca.key()));
        }
        if (ca.configMapName() != null && !ca.configMapName().isEmpty()) {
            return Optional.of(new CaSource(false, ca.configMapName(), ca.key()));
        }
        return Optional.empty();
    }

    /**
     * VolSync's {@code customCA}: that key of the Secret (VolSync's secret errors) or of the ConfigMap, which must
     * exist and hold it; none when not configured.
     */
    public static Optional<byte[]> customCa(MoverEnvironment env, String namespace, CustomCaSpec ca)
            throws MoverException {
        Optional<CaSource> source = caSource(ca);
        if (source.isEmpty()) {
            return Optional.empty();
        }
        CaSource s = source.get();
        return Optional.of(s.secret() ? env.secrets().getAndValidate(namespace, s.name(), List.of(s.key())).get(s.key())
                : env.configMaps().getKey(namespace, s.name(), s.key()));
    }

    /** How a job template names its custom CA (the object it comes from, not its content). */
    public static String customCaReference(CustomCaSpec ca) {
        return caSource(ca).map(s -> (s.secret() ? "secret/" : "configmap/") + s.name() + ":" + s.key()).orElse("");
    }

    /**
     * Writes what a pod would have mounted from a Secret or ConfigMap, {@code <scratch>/<dir>/<file>}, readable by
     * this user alone (the directory too); its path.
     */
    public static Path mount(JobContext ctx, String dir, String file, byte[] content) throws java.io.IOException {
        Path mounted = Files.createDirectory(ctx.tmp().resolve(dir),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return writePrivate(mounted.resolve(file), content);
    }

    /** A new file readable by this user alone, with {@code content}; its path. */
    public static Path writePrivate(Path file, byte[] content) throws java.io.IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.write(file, content);
    }

    /** Data waiting to be written to disk, machine-wide; unknown (no {@code /proc/meminfo}) counts as plenty. */
    static long dirtyBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("Dirty:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // fall through
        }
        return Long.MAX_VALUE;
    }

    /**
     * While the copy trigger holds a source's copy back, the pass looks again this soon: VolSync is woken by the
     * PVC's change, Ferry reads its annotations again.
     */
    public static final Duration COPY_TRIGGER_RECHECK = Duration.ofSeconds(5);

    /**
     * The volume a source mover works on, {@code volsync-<name>-src} per {@code copyMethod}; empty while the copy
     * trigger holds the copy back, with a timeout recorded as VolSync records it (a Failed mover status; the wait
     * goes on).
     */
    public static Optional<Volume> sourceVolume(MoverEnvironment env, Owner owner, ReplicationStatus status,
            Volume original, String copyMethod) throws MoverException {
        try {
            return env.volumes().ensurePvcFromSource(original, "volsync-" + owner.name() + "-src", copyMethod, owner,
                    true, env.clock().instant());
        } catch (CopyTriggerTimeoutException e) {
            status.latestMoverStatus = new MoverStatus(MoverStatus.FAILED, e.getMessage());
            return Optional.empty();
        }
    }

    /** A destination's end once its job succeeded: complete with the image of its volume, else still in progress. */
    public static Result image(MoverEnvironment env, Volume data, String copyMethod, Owner owner)
            throws MoverException {
        return env.volumes().ensureImage(data, copyMethod, owner, env.clock().instant())
                .map(Result::completeWithImage).orElseGet(Result::inProgress);
    }

    /**
     * A destination's cleanup, as VolSync's: the snapshot annotation comes off its volume (so that the next sync
     * takes a new image), then {@link #cleanup}.
     */
    public static Result destinationCleanup(MoverEnvironment env, Owner owner, String pvcName) throws MoverException {
        if (env.volumes().find(owner.namespace(), pvcName).isPresent()) {
            env.volumes().removeSnapshotAnnotation(owner.namespace(), pvcName);
        }
        return cleanup(env, owner);
    }

    /**
     * The source's volume by {@code sourcePVC} (VolSync's not-found error when none is named), then as
     * {@link #sourceVolume(MoverEnvironment, Owner, ReplicationStatus, Volume, String)}.
     */
    public static Optional<Volume> sourceVolume(MoverEnvironment env, Owner owner, ReplicationStatus status,
            String sourcePVC, String copyMethod) throws MoverException {
        return sourceVolume(env, owner, status, sourcePvc(env, owner, sourcePVC), copyMethod);
    }

    /** The source's own volume, {@code sourcePVC} (VolSync's not-found error when none is named). */
    public static Volume sourcePvc(MoverEnvironment env, Owner owner, String sourcePVC) throws MoverException {
        if (sourcePVC == null || sourcePVC.isEmpty()) {
            throw new MoverException("persistentvolumeclaims \"\" not found");
        }
        return env.volumes().get(owner.namespace(), sourcePVC);
    }

    /** The cleanup every job-based mover does: temporary volumes, snapshots and jobs of this owner. */
    public static Result cleanup(MoverEnvironment env, Owner owner) throws MoverException {
        env.jobs().cleanup(owner);
        env.volumes().cleanup(owner);
        return Result.complete();
    }

    /**
     * VolSync's {@code sync} at the end of a mover's job: what the job wrote reaches the disk before the job, and so
     * the sync, is reported done; a sync that completed survives a power loss. {@code sync -f} flushes only the file
     * system holding {@code written}; with null, every file system, as VolSync's own {@code sync} does, for writes
     * whose file system cannot be told. False (and logged) when the flush failed.
     */
    public static boolean flush(JobContext ctx, MoverSettings settings, Path written) throws Exception {
        JobContext.Exit exit = ctx.exec(syncCommand(settings, written), Map.of(), null);
        if (!exit.ok()) {
            ctx.log("ERROR: sync failed: " + exit.code());
        }
        return exit.ok();
    }

    private static List<String> syncCommand(MoverSettings settings, Path written) {
        return written == null ? List.of(settings.syncBinary())
                : List.of(settings.syncBinary(), "-f", written.toString());
    }

    /** How often {@link #writeback} looks at what is waiting to be written. */
    static final Duration WRITEBACK_INTERVAL = Duration.ofMillis(250);
    /** Dirty data below which {@link #writeback} leaves the kernel alone. */
    static final long WRITEBACK_THRESHOLD = 32L << 20;

    /**
     * Flushes the file system holding {@code written} beside a transfer writing there, whenever the machine holds
     * {@link #WRITEBACK_THRESHOLD} or more of data not yet written ({@code Dirty} in {@code /proc/meminfo}; looked at
     * every {@link #WRITEBACK_INTERVAL}): the disk takes the data while the transfer goes on rather than all of it in
     * the closing {@link #flush}, which then finds little left. While nothing is being written (a destination waiting
     * for its source) it does nothing. Nothing while {@code written} does not exist yet, or is null.
     */
    public static AutoCloseable writeback(JobContext ctx, MoverSettings settings, Path written) {
        if (written == null) {
            return () -> {
            };
        }
        CountDownLatch closed = new CountDownLatch(1);
        Future<Void> flusher = ctx.fork(() -> {
            while (!closed.await(WRITEBACK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                if (dirtyBytes() >= WRITEBACK_THRESHOLD && Files.exists(written)) {
                    ctx.exec(syncCommand(settings, written), Map.of(), null);
                }
            }
            return null;
        });
        return () -> {
            closed.countDown();
            try {
                flusher.get();
            } catch (ExecutionException e) {
                // The job was stopped, or a flush failed: the closing flush reports what matters.
            }
        };
    }
}
