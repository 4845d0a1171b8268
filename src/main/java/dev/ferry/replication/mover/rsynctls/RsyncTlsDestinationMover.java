package dev.ferry.replication.mover.rsynctls;

import java.util.Optional;

import org.jboss.logging.Logger;

import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.RsyncTlsDestinationSpec;
import dev.ferry.replication.api.RsyncTlsStatus;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.Result;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.ServiceBackend;
import dev.ferry.replication.volume.Volume;

/**
 * The destination side of rsync-tls: listens (stunnel with the pre-shared key, on the address of its service
 * {@code volsync-rsync-tls-dst-<name>}, published with the key's secret in {@code status.rsyncTLS}), receives one
 * sync, then produces the image.
 */
final class RsyncTlsDestinationMover implements Mover {

    private static final Logger LOG = Logger.getLogger(RsyncTlsDestinationMover.class);
    static final int BACKOFF_LIMIT = 2;

    private final MoverEnvironment env;
    private final ReplicationDestination destination;
    private final RsyncTlsDestinationSpec spec;
    private final Owner owner;

    RsyncTlsDestinationMover(MoverEnvironment env, ReplicationDestination destination) {
        this.env = env;
        this.destination = destination;
        this.spec = destination.spec().rsyncTLS();
        this.owner = JobMovers.owner(destination);
    }

    @Override
    public String name() {
        return "rsync-tls";
    }

    private String pvcName() {
        return JobMovers.destinationPvcName(owner, spec.destinationPVC(), "dst");
    }

    @Override
    public Result synchronize() throws MoverException {
        String ns = owner.namespace();
        String name = owner.name();
        Volume data = JobMovers.destinationVolume(env, owner, spec.destinationPVC(), "dst", spec.capacity(),
                spec.accessModes());
        RsyncTlsStatus old = destination.status().rsyncTLS;
        Optional<ServiceBackend.Address> assigned = env.services().ensure(ns, "volsync-rsync-tls-dst-" + name, owner,
                null);
        if (assigned.isEmpty()) {
            return Result.inProgress();
        }
        String address = assigned.get().host();
        int port = assigned.get().port();
        if (!address.equals(old.address()) || !Integer.valueOf(port).equals(old.port())) {
            LOG.infof("%s/%s: listening on address %s:%d for incoming connections", ns, name, address, port);
        }
        // Where it listens is published first, as VolSync does, whatever becomes of the key.
        destination.status().rsyncTLS = new RsyncTlsStatus(old.keySecret(), address, port);
        RsyncTlsKeys.Key key = RsyncTlsKeys.ensure(env.secrets(), owner, spec.keySecret());
        if (key.generated()) {
            // Only a key it made is named in the status; the user's own is left alone.
            destination.status().rsyncTLS = new RsyncTlsStatus(key.secret(), address, port);
        }
        JobSpec job = new JobSpec(ns, "volsync-rsync-tls-dst-" + name, owner, true, BACKOFF_LIMIT,
                destination.spec().pausedOrDefault() ? 0 : 1,
                JobSpec.template("data", data.path(), "address", address, "port", port, "keys", key.secret()),
                RsyncTlsScripts.server(env.settings(), data.path(), address, port, key.psk()));
        if (!JobMovers.ensureJob(env, job, destination.status(), RsyncTlsBuilder.SUCCESS_LOGS,
                RsyncTlsBuilder.FAILURE_LOGS)) {
            return Result.inProgress();
        }
        return JobMovers.image(env, data, spec.copyMethod(), owner);
    }

    @Override
    public Result cleanup() throws MoverException {
        return JobMovers.destinationCleanup(env, owner, pvcName());
    }
}
