package dev.ferry.replication.mover;

import java.util.List;
import java.util.function.Predicate;

import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ReplicationObject;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.job.JobStatus;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.Volume;

/** The Job handling all job-based movers share. */
public final class JobMovers {

    private JobMovers() {
    }

    /** A destination's PVC: the user's {@code destinationPVC}, else the one Ferry provisions, {@code volsync-<name>-<suffix>}. */
    public static String destinationPvcName(Owner owner, String destinationPvc, String suffix) {
        return destinationPvc != null && !destinationPvc.isEmpty() ? destinationPvc
                : "volsync-" + owner.name() + "-" + suffix;
    }

    /** A destination's volume: the user's {@code destinationPVC} as it is, else one provisioned with the spec's size. */
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
     * pass starts it again; false while it has not succeeded.
     */
    public static boolean ensureJob(MoverEnvironment env, JobSpec spec, ReplicationStatus status,
            Predicate<String> successFilter) {
        JobStatus job = env.jobs().ensure(spec);
        if (job.succeeded() > 0) {
            status.latestMoverStatus = new MoverStatus(MoverStatus.SUCCESSFUL,
                    MoverLogs.filter(job.logs(), successFilter, env.settings()));
            return true;
        }
        if (job.failed() >= spec.backoffLimit()) {
            status.latestMoverStatus = new MoverStatus(MoverStatus.FAILED, MoverLogs.all(job.logs(), env.settings()));
            env.jobs().delete(spec.namespace(), spec.name());
        }
        return false;
    }

    /** The cleanup every job-based mover does: temporary volumes, snapshots and jobs of this owner. */
    public static Result cleanup(MoverEnvironment env, Owner owner) throws MoverException {
        env.jobs().cleanup(owner);
        env.volumes().cleanup(owner);
        return Result.complete();
    }
}
