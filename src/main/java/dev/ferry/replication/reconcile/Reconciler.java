package dev.ferry.replication.reconcile;

import java.util.function.Predicate;

import org.jboss.logging.Logger;

import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationStatus;
import dev.ferry.replication.api.ReplicationObject;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceStatus;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.api.TypedLocalObjectReference;
import dev.ferry.replication.mover.Catalog;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.MultipleMoversFoundException;
import dev.ferry.replication.mover.NoMoverFoundException;
import dev.ferry.replication.volume.Owner;

/**
 * One reconcile pass of a ReplicationSource or ReplicationDestination, as VolSync's controllers do it: initialise
 * the status, ask the catalog for the mover (external-only objects are left alone), run the state machine. Blocking
 * (movers touch files and start processes): call it on a worker thread. Edits the object's status in place.
 */
public final class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    /** The outcome of a pass: whether a status is to be written, the state before and after, the machine result. */
    public record Pass(boolean writeStatus, State before, State after, MachineResult result) {
        /** The state moved: VolSync's status write would trigger the next pass at once. */
        public boolean stateChanged() {
            return before != after;
        }
    }

    private final Catalog catalog;
    private final MoverEnvironment env;
    private final ObjectMetrics.Factory metrics;
    private final Predicate<String> privilegedNamespace;
    private final StateMachine machine;

    public Reconciler(Catalog catalog, MoverEnvironment env, ObjectMetrics.Factory metrics,
            Predicate<String> privilegedNamespace) {
        this.catalog = catalog;
        this.env = env;
        this.metrics = metrics;
        this.privilegedNamespace = privilegedNamespace;
        this.machine = new StateMachine(env.clock());
    }

    public Pass reconcile(ReplicationObject object) {
        ReplicationStatus status = object.status();
        State before = State.of(status);
        if (object instanceof ReplicationDestination) {
            try {
                // Before anything else, as VolSync: the user's protected snapshots stop being this object's.
                env.volumes().relinquishProtectedSnapshots(JobMovers.owner(object));
            } catch (MoverException e) {
                return new Pass(false, before, before, new MachineResult(null, e));
            }
        }
        boolean privileged = privilegedNamespace.test(object.metadata().namespace());
        Mover mover = null;
        MoverException catalogError = null;
        try {
            mover = object instanceof ReplicationSource rs ? catalog.sourceMover(env, rs, privileged)
                    : catalog.destinationMover(env, (ReplicationDestination) object, privileged);
        } catch (MoverException e) {
            catalogError = e;
        }
        if (mover == null && object.hasExternal()) {
            return new Pass(false, before, before, MachineResult.none());
        }
        if (mover != null && object.hasExternal()) {
            return error(object, before, new MultipleMoversFoundException());
        }
        if (mover == null) {
            // As VolSync: whatever the catalog said, the object is told that a method must be specified.
            LOG.debugf("%s: no mover (%s)", object.key(), catalogError == null ? "" : catalogError.getMessage());
            return error(object, before, new NoMoverFoundException());
        }
        ObjectMetrics objectMetrics = metrics.forObject(object.metadata().namespace(), object.metadata().name(),
                object.role(), mover.name());
        Mover chosen = mover;
        MachineResult result = machine.run(new StateMachine.Machine() {
            @Override
            public ReplicationStatus status() {
                return status;
            }

            @Override
            public TriggerSpec trigger() {
                return object.trigger();
            }

            @Override
            public Mover mover() {
                return chosen;
            }

            @Override
            public ObjectMetrics metrics() {
                return objectMetrics;
            }

            @Override
            public void setLatestImage(TypedLocalObjectReference image) throws MoverException {
                if (object instanceof ReplicationDestination rd) {
                    ReplicationDestinationStatus rdStatus = rd.status();
                    TypedLocalObjectReference previous = rdStatus.latestImage;
                    if (previous != null && previous.isVolumeSnapshot() && !previous.name().equals(image.name())
                            && env.volumes().snapshotExists(rd.metadata().namespace(), previous.name())) {
                        env.volumes().markSnapshotForCleanup(rd.metadata().namespace(), previous.name(),
                                JobMovers.owner(rd));
                    }
                    rdStatus.latestImage = image;
                }
            }
        });
        return new Pass(true, before, State.of(status), result);
    }

    private Pass error(ReplicationObject object, State before, MoverException error) {
        object.status().setCondition(ReplicationStatus.CONDITION_SYNCHRONIZING, "False",
                StateMachine.REASON_ERROR, error.getMessage(), env.clock().instant());
        return new Pass(true, before, before, new MachineResult(null, error));
    }

    /**
     * The object was deleted: run its mover's Cleanup, then delete everything it owned (jobs, generated secrets,
     * services, provisioned volumes and snapshots), as Kubernetes' garbage collector does for owner references.
     */
    public void finalizeDeleted(ReplicationObject object) throws MoverException {
        Owner owner = JobMovers.owner(object);
        boolean privileged = privilegedNamespace.test(object.metadata().namespace());
        try {
            Mover mover = object instanceof ReplicationSource rs ? catalog.sourceMover(env, rs, privileged)
                    : catalog.destinationMover(env, (ReplicationDestination) object, privileged);
            mover.cleanup();
        } catch (MoverException e) {
            LOG.debugf("%s: no mover cleanup on delete (%s)", object.key(), e.getMessage());
        }
        env.jobs().deleteOwned(owner);
        env.services().deleteOwned(owner);
        env.secrets().deleteOwned(owner);
        env.volumes().deleteOwned(owner);
        metrics.remove(object.metadata().namespace(), object.metadata().name(), object.role());
    }

    /**
     * The object is another instance's now: its jobs stop here, and its metrics go from this instance's scrape (the
     * new holder exports them; two instances exporting one object's series would count its syncs twice).
     */
    public void handedOver(Owner owner) {
        env.jobs().deleteOwned(owner);
        metrics.remove(owner.namespace(), owner.name(),
                ReplicationSource.KIND.equals(owner.kind()) ? ReplicationSource.ROLE : ReplicationDestination.ROLE);
    }

    /** A fresh status for a kind ({@code ReplicationSource} or {@code ReplicationDestination}). */
    public static ReplicationStatus emptyStatusOf(String kind) {
        return ReplicationSource.KIND.equals(kind) ? new ReplicationSourceStatus() : new ReplicationDestinationStatus();
    }

    /** A fresh status of the object's kind. */
    public static ReplicationStatus emptyStatus(ReplicationObject object) {
        return object instanceof ReplicationSource ? new ReplicationSourceStatus() : new ReplicationDestinationStatus();
    }
}
