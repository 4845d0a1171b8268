package dev.ferry.replication.mover.restic;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ResticRetainPolicy;
import dev.ferry.replication.api.ResticSourceSpec;
import dev.ferry.replication.api.ResticStatus;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.Result;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.Volume;

/** restic, source side: back up a point-in-time copy, forget per {@code retain}, prune and unlock when due. */
final class ResticSourceMover implements Mover {

    static final int BACKOFF_LIMIT = 8;
    static final List<String> REPOSITORY_FIELDS = List.of("RESTIC_REPOSITORY", "RESTIC_PASSWORD");

    private final MoverEnvironment env;
    private final ReplicationSource source;
    private final ResticSourceSpec spec;
    private final boolean privileged;
    private final Owner owner;

    ResticSourceMover(MoverEnvironment env, ReplicationSource source, boolean privileged) {
        this.env = env;
        this.source = source;
        this.spec = source.spec().restic();
        this.privileged = privileged;
        this.owner = JobMovers.owner(source);
    }

    @Override
    public String name() {
        return "restic";
    }

    /** VolSync's {@code FORGET_OPTIONS}. */
    static String forgetOptions(ResticRetainPolicy retain) {
        if (retain == null) {
            return "--keep-last 1";
        }
        StringBuilder options = new StringBuilder();
        if (retain.hourly() != null) {
            options.append(" --keep-hourly ").append(retain.hourly());
        }
        if (retain.daily() != null) {
            options.append(" --keep-daily ").append(retain.daily());
        }
        if (retain.weekly() != null) {
            options.append(" --keep-weekly ").append(retain.weekly());
        }
        if (retain.monthly() != null) {
            options.append(" --keep-monthly ").append(retain.monthly());
        }
        if (retain.yearly() != null) {
            options.append(" --keep-yearly ").append(retain.yearly());
        }
        if (retain.within() != null) {
            options.append(" --keep-within ").append(retain.within());
        }
        if (retain.last() != null) {
            options.append(" --keep-last ").append(retain.last());
        }
        return options.isEmpty() ? "--keep-last 1" : options.toString();
    }

    boolean pruneDue(Instant now) {
        int days = spec.pruneIntervalDays() == null ? 7 : spec.pruneIntervalDays();
        ResticStatus status = source.status().restic;
        Instant reference = status != null && status.lastPruned() != null ? status.lastPruned()
                : source.metadata().creationTimestamp();
        return reference != null && now.isAfter(reference.plus(Duration.ofDays(days)));
    }

    boolean unlockDue() {
        String lastUnlocked = source.status().restic == null ? null : source.status().restic.lastUnlocked();
        return spec.unlock() != null && !spec.unlock().isEmpty() && !spec.unlock().equals(lastUnlocked);
    }

    @Override
    public Result synchronize() throws MoverException {
        String ns = owner.namespace();
        String name = owner.name();
        String pvc = source.spec().sourcePVC() == null ? "" : source.spec().sourcePVC();
        Optional<Volume> copy = JobMovers.sourceVolume(env, owner, source.status(), env.volumes().get(ns, pvc),
                spec.copyMethod());
        if (copy.isEmpty()) {
            return Result.retryAfter(JobMovers.COPY_TRIGGER_RECHECK);
        }
        Volume data = copy.get();
        List<String> cacheModes = spec.cacheAccessModes() != null && !spec.cacheAccessModes().isEmpty()
                ? spec.cacheAccessModes()
                : spec.accessModes() != null && !spec.accessModes().isEmpty() ? spec.accessModes()
                        : List.of("ReadWriteOnce");
        Volume cache = env.volumes().ensureNewPvc(ns, "volsync-" + name + "-cache", owner,
                spec.cacheCapacity() == null ? "1Gi" : spec.cacheCapacity(), cacheModes);
        Instant now = env.clock().instant();
        List<String> operations = new ArrayList<>();
        if (unlockDue()) {
            operations.add("unlock");
        }
        operations.add("backup");
        if (pruneDue(now)) {
            operations.add("prune");
        }
        JobSpec job = ResticScript.job(env, owner, "volsync-src-" + name, source.spec().pausedOrDefault(),
                operations, data.path(), cache.path(), spec.repository(), spec.customCA(),
                forgetOptions(spec.retain()), null, 0, privileged);
        if (!JobMovers.ensureJob(env, job, source.status(), ResticBuilder.SUCCESS_LOGS)) {
            return Result.inProgress();
        }
        ResticStatus status = source.status().restic == null ? ResticStatus.empty() : source.status().restic;
        String lastUnlocked = status.lastUnlocked();
        if (unlockDue()) {
            lastUnlocked = spec.unlock();
        } else if (spec.unlock() == null || spec.unlock().isEmpty()) {
            lastUnlocked = "";
        }
        Instant lastPruned = pruneDue(env.clock().instant()) ? env.clock().instant() : status.lastPruned();
        source.status().restic = new ResticStatus(lastPruned, lastUnlocked);
        return Result.complete();
    }

    @Override
    public Result cleanup() throws MoverException {
        return JobMovers.cleanup(env, owner);
    }
}
