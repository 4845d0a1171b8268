package dev.ferry.replication.mover.rsynctls;

import java.util.Optional;

import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.RsyncTlsSourceSpec;
import dev.ferry.replication.api.RsyncTlsStatus;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.Result;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.Volume;

/**
 * The source side of rsync-tls: a point-in-time copy of {@code sourcePVC} pushed to {@code address}:{@code port}
 * through TLS with the pre-shared key of {@code keySecret} (or of the secret generated for it, whose name the status
 * gives). Always the client: it creates no service.
 */
final class RsyncTlsSourceMover implements Mover {

    static final int BACKOFF_LIMIT = 2;

    private final MoverEnvironment env;
    private final ReplicationSource source;
    private final RsyncTlsSourceSpec spec;
    private final Owner owner;

    RsyncTlsSourceMover(MoverEnvironment env, ReplicationSource source) {
        this.env = env;
        this.source = source;
        this.spec = source.spec().rsyncTLS();
        this.owner = JobMovers.owner(source);
    }

    @Override
    public String name() {
        return "rsync-tls";
    }

    @Override
    public Result synchronize() throws MoverException {
        String ns = owner.namespace();
        Optional<Volume> copy = JobMovers.sourceVolume(env, owner, source.status(), source.spec().sourcePVC(),
                spec.copyMethod());
        if (copy.isEmpty()) {
            return Result.retryAfter(JobMovers.COPY_TRIGGER_RECHECK);
        }
        Volume data = copy.get();
        RsyncTlsKeys.Key key = RsyncTlsKeys.ensure(env.secrets(), owner, spec.keySecret());
        if (key.generated()) {
            // As VolSync: only a key it made is named in the status; the user's own is left alone.
            source.status().rsyncTLS = new RsyncTlsStatus(key.secret(), null, null);
        }
        JobSpec job = new JobSpec(ns, "volsync-rsync-tls-src-" + owner.name(), owner, true, BACKOFF_LIMIT,
                source.spec().pausedOrDefault() ? 0 : 1,
                JobSpec.template("data", data.path(), "DESTINATION_ADDRESS", spec.address(), "DESTINATION_PORT",
                        spec.port(), "keys", key.secret()),
                RsyncTlsScripts.client(env.settings(), data.path(), spec.address(), spec.port(), key.psk()));
        if (!JobMovers.ensureJob(env, job, source.status(), RsyncTlsBuilder.SUCCESS_LOGS,
                RsyncTlsBuilder.FAILURE_LOGS)) {
            return Result.inProgress();
        }
        return Result.complete();
    }

    @Override
    public Result cleanup() throws MoverException {
        return JobMovers.cleanup(env, owner);
    }
}
