package dev.ferry.replication.mover.rsync;

import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.RsyncDestinationSpec;
import dev.ferry.replication.api.RsyncStatus;
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
 * The destination side of rsync: listens (an rsync daemon on a loopback address published in
 * {@code status.rsync.address}/{@code port}), receives one sync, then produces the image.
 */
final class RsyncDestinationMover implements Mover {

    private static final Logger LOG = Logger.getLogger(RsyncDestinationMover.class);
    static final int BACKOFF_LIMIT = 2;

    private final MoverEnvironment env;
    private final ReplicationDestination destination;
    private final RsyncDestinationSpec spec;
    private final Owner owner;

    RsyncDestinationMover(MoverEnvironment env, ReplicationDestination destination) {
        this.env = env;
        this.destination = destination;
        this.spec = destination.spec().rsync();
        this.owner = JobMovers.owner(destination);
    }

    @Override
    public String name() {
        return "rsync";
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
        String address = spec.address();
        Integer port = spec.port();
        RsyncStatus old = destination.status().rsync == null ? RsyncStatus.empty() : destination.status().rsync;
        // Only the side without an address has a service and publishes where it listens, as in VolSync.
        String published = null;
        Integer publishedPort = null;
        if (address == null || address.isEmpty()) {
            Optional<ServiceBackend.Address> assigned = env.services().ensure(ns, "volsync-rsync-dst-" + name, owner,
                    spec.port());
            if (assigned.isEmpty()) {
                destination.status().rsync = new RsyncStatus(old.sshKeys(), null, null);
                return Result.inProgress();
            }
            address = assigned.get().host();
            port = assigned.get().port();
            if (!address.equals(old.address()) || !port.equals(old.port())) {
                LOG.infof("%s/%s: listening on address %s:%d for incoming connections", ns, name, address, port);
            }
            published = address;
            publishedPort = port;
        }
        destination.status().rsync = new RsyncStatus(old.sshKeys(), published, publishedPort);
        Map<String, byte[]> keys;
        String ownSecret;
        String peerSecret = old.sshKeys();
        if (spec.sshKeys() != null && !spec.sshKeys().isEmpty()) {
            // The user's keys: VolSync leaves status.rsync.sshKeys alone, there is nothing to hand to the peer.
            ownSecret = spec.sshKeys();
            keys = env.secrets().getAndValidate(ns, ownSecret, RsyncKeys.DESTINATION_FIELDS);
        } else {
            RsyncKeys.ensureGenerated(env.secrets(), owner, "dst");
            ownSecret = RsyncKeys.destinationSecret(name, "dst");
            keys = env.secrets().getAndValidate(ns, ownSecret, RsyncKeys.DESTINATION_FIELDS);
            peerSecret = RsyncKeys.sourceSecret(name, "dst");
        }
        destination.status().rsync = new RsyncStatus(peerSecret, published, publishedPort);
        int listenPort = port == null ? 873 : port;
        JobSpec job = new JobSpec(ns, "volsync-rsync-dst-" + name, owner, true, BACKOFF_LIMIT,
                destination.spec().pausedOrDefault() ? 0 : 1,
                JobSpec.template("data", data.path(), "address", address, "port", listenPort, "keys", ownSecret),
                RsyncScripts.destination(env.settings(), data.path(), address, listenPort, keys.get("source.pub")));
        if (!JobMovers.ensureJob(env, job, destination.status(), RsyncBuilder.SUCCESS_LOGS)) {
            return Result.inProgress();
        }
        return JobMovers.image(env, data, spec.copyMethod(), owner);
    }

    @Override
    public Result cleanup() throws MoverException {
        return JobMovers.destinationCleanup(env, owner, pvcName());
    }
}
