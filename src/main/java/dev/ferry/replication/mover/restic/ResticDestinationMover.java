package dev.ferry.replication.mover.restic;

import java.util.List;

import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ResticDestinationSpec;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.Result;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.Volume;

/** restic, destination side: restore the chosen snapshot into the volume, then produce the image. */
final class ResticDestinationMover implements Mover {

    private final MoverEnvironment env;
    private final ReplicationDestination destination;
    private final ResticDestinationSpec spec;
    private final boolean privileged;
    private final Owner owner;

    ResticDestinationMover(MoverEnvironment env, ReplicationDestination destination, boolean privileged) {
        this.env = env;
        this.destination = destination;
        this.spec = destination.spec().restic();
        this.privileged = privileged;
        this.owner = JobMovers.owner(destination);
    }

    @Override
    public String name() {
        return "restic";
    }

    private String pvcName() {
        return JobMovers.destinationPvcName(owner, spec.destinationPVC(), "dest");
    }

    @Override
    public Result synchronize() throws MoverException {
        String ns = owner.namespace();
        String name = owner.name();
        Volume data = JobMovers.destinationVolume(env, owner, spec.destinationPVC(), "dest", spec.capacity(),
                spec.accessModes());
        List<String> cacheModes = spec.cacheAccessModes() != null && !spec.cacheAccessModes().isEmpty()
                ? spec.cacheAccessModes()
                : spec.accessModes() != null && !spec.accessModes().isEmpty() ? spec.accessModes()
                        : List.of("ReadWriteOnce");
        Volume cache = env.volumes().ensureNewPvc(ns, "volsync-" + name + "-cache", owner,
                spec.cacheCapacity() == null ? "1Gi" : spec.cacheCapacity(), cacheModes);
        JobSpec job = ResticScript.job(env, owner, "volsync-dst-" + name, destination.spec().pausedOrDefault(),
                List.of("restore"), data.path(), cache.path(), spec.repository(), spec.customCA(), "",
                spec.restoreAsOf(), spec.previous() == null ? 0 : spec.previous(), privileged);
        if (!JobMovers.ensureJob(env, job, destination.status(), ResticBuilder.SUCCESS_LOGS)) {
            return Result.inProgress();
        }
        return JobMovers.image(env, data, spec.copyMethod(), owner);
    }

    @Override
    public Result cleanup() throws MoverException {
        return JobMovers.destinationCleanup(env, owner, pvcName());
    }
}
