package dev.ferry.replication.mover.rsync;

import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.RsyncDestinationSpec;
import dev.ferry.replication.api.RsyncStatus;
import dev.ferry.replication.api.TypedLocalObjectReference;
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
        }
        destination.status().rsync = new RsyncStatus(old.sshKeys(), address, port);
        Map<String, byte[]> keys;
        String keySecret;
        if (spec.sshKeys() != null && !spec.sshKeys().isEmpty()) {
            keys = env.secrets().getAndValidate(ns, spec.sshKeys(), RsyncKeys.DESTINATION_FIELDS);
            keySecret = spec.sshKeys();
        } else {
            RsyncKeys.ensureGenerated(env.secrets(), owner, "dst");
            keys = env.secrets().getAndValidate(ns, RsyncKeys.destinationSecret(name, "dst"),
                    RsyncKeys.DESTINATION_FIELDS);
            keySecret = RsyncKeys.sourceSecret(name, "dst");
        }
        destination.status().rsync = new RsyncStatus(keySecret, address, port);
        JobSpec job = new JobSpec(ns, "volsync-rsync-dst-" + name, owner, true, BACKOFF_LIMIT,
                destination.spec().pausedOrDefault() ? 0 : 1, RsyncScripts.destination(env.settings(), data.path(),
                        address, port == null ? 873 : port, keys.get("source.pub")));
        if (!JobMovers.ensureJob(env, job, destination.status(), RsyncBuilder.SUCCESS_LOGS)) {
            return Result.inProgress();
        }
        Optional<TypedLocalObjectReference> image = env.volumes().ensureImage(data, spec.copyMethod(), owner,
                env.clock().instant());
        return image.map(Result::completeWithImage).orElseGet(Result::inProgress);
    }

    @Override
    public Result cleanup() throws MoverException {
        if (env.volumes().find(owner.namespace(), pvcName()).isPresent()) {
            env.volumes().removeSnapshotAnnotation(owner.namespace(), pvcName());
        }
        return JobMovers.cleanup(env, owner);
    }
}
