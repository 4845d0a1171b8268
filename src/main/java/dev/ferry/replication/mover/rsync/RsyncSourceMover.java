package dev.ferry.replication.mover.rsync;

import java.util.Map;
import java.util.Optional;

import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.RsyncSourceSpec;
import dev.ferry.replication.api.RsyncStatus;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.Result;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.Volume;

/** The source side of rsync: a point-in-time copy of {@code sourcePVC} pushed to the destination's address. */
final class RsyncSourceMover implements Mover {

    static final int BACKOFF_LIMIT = 2;

    private final MoverEnvironment env;
    private final ReplicationSource source;
    private final RsyncSourceSpec spec;
    private final Owner owner;

    RsyncSourceMover(MoverEnvironment env, ReplicationSource source) {
        this.env = env;
        this.source = source;
        this.spec = source.spec().rsync();
        this.owner = JobMovers.owner(source);
    }

    @Override
    public String name() {
        return "rsync";
    }

    @Override
    public Result synchronize() throws MoverException {
        String ns = owner.namespace();
        String name = owner.name();
        Optional<Volume> copy = JobMovers.sourceVolume(env, owner, source.status(), source.spec().sourcePVC(),
                spec.copyMethod());
        if (copy.isEmpty()) {
            return Result.retryAfter(JobMovers.COPY_TRIGGER_RECHECK);
        }
        Volume data = copy.get();
        Map<String, byte[]> keys;
        String ownSecret;
        if (spec.sshKeys() != null && !spec.sshKeys().isEmpty()) {
            // The user's keys: VolSync leaves status.rsync.sshKeys alone, there is nothing to hand to the peer.
            ownSecret = spec.sshKeys();
            keys = env.secrets().getAndValidate(ns, ownSecret, RsyncKeys.SOURCE_FIELDS);
        } else {
            RsyncKeys.ensureGenerated(env.secrets(), owner, "src");
            ownSecret = RsyncKeys.sourceSecret(name, "src");
            keys = env.secrets().getAndValidate(ns, ownSecret, RsyncKeys.SOURCE_FIELDS);
            RsyncStatus old = source.status().rsync;
            source.status().rsync = new RsyncStatus(RsyncKeys.destinationSecret(name, "src"),
                    old == null ? null : old.address(), old == null ? null : old.port());
        }
        JobSpec job = new JobSpec(ns, "volsync-rsync-src-" + name, owner, true, BACKOFF_LIMIT,
                source.spec().pausedOrDefault() ? 0 : 1,
                JobSpec.template("data", data.path(), "DESTINATION_ADDRESS", spec.address(), "DESTINATION_PORT",
                        spec.port(), "keys", ownSecret),
                RsyncScripts.source(env.settings(), data.path(), spec.address(), spec.port(), keys.get("source")));
        if (!JobMovers.ensureJob(env, job, source.status(), RsyncBuilder.SUCCESS_LOGS)) {
            return Result.inProgress();
        }
        return Result.complete();
    }

    @Override
    public Result cleanup() throws MoverException {
        return JobMovers.cleanup(env, owner);
    }
}
