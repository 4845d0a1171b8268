package dev.ferry.replication.volume;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.ferry.replication.api.TypedLocalObjectReference;
import dev.ferry.replication.mover.MoverException;

/**
 * PVCs and volume snapshots, VolSync's {@code volumehandler}. Every call is confined to one namespace: an object
 * reaches only its own namespace's volumes. Implementations: {@link LocalVolumeBackend} (directories); a
 * Kubernetes one (PVCs, VolumeSnapshots) can be added behind the same interface.
 */
public interface VolumeBackend {

    /** An existing PVC, or the error Kubernetes gives for a missing one. */
    Volume get(String namespace, String name) throws MoverException;

    Optional<Volume> find(String namespace, String name) throws MoverException;

    /**
     * The point-in-time copy a source mover works on: Direct returns {@code source} itself, Clone and Snapshot a
     * copy named {@code name} that is labelled for cleanup by {@code owner} when {@code temporary}. Empty while
     * VolSync's copy trigger holds the copy back (the source PVC is annotated
     * {@code volsync.backube/use-copy-trigger} and its {@code copy-trigger} has not changed since the last copy);
     * {@link CopyTriggerTimeoutException} once it has waited longer than ten minutes (at {@code now}).
     */
    Optional<Volume> ensurePvcFromSource(Volume source, String name, String copyMethod, Owner owner,
            boolean temporary, Instant now) throws MoverException;

    /** A persistent volume Ferry provisions (destination volume, restic cache); not cleaned up between syncs. */
    Volume ensureNewPvc(String namespace, String name, Owner owner, String capacity, List<String> accessModes)
            throws MoverException;

    /**
     * The destination's image after a sync: the PVC itself (Direct/None) or a new snapshot (Snapshot) named
     * {@code <pvc>-<YYYYMMDDHHMMSS>}; empty while not ready.
     */
    Optional<TypedLocalObjectReference> ensureImage(Volume pvc, String copyMethod, Owner owner, Instant now)
            throws MoverException;

    /** True when the named snapshot exists. */
    boolean snapshotExists(String namespace, String name) throws MoverException;

    /** Labels a superseded image snapshot so that the owner's next cleanup deletes it. */
    void markSnapshotForCleanup(String namespace, String name, Owner owner) throws MoverException;

    /** Forgets the snapshot name pinned on a destination PVC, so that the next sync makes a new snapshot. */
    void removeSnapshotAnnotation(String namespace, String pvcName) throws MoverException;

    /**
     * Gives up the owner's snapshots that the user labelled {@code volsync.backube/do-not-delete}: they lose the
     * owner and the cleanup and created-by labels (VolSync's relinquish). Cleanup and deletion of the owner do the
     * same instead of deleting such a snapshot.
     */
    void relinquishProtectedSnapshots(Owner owner) throws MoverException;

    /** Deletes the PVCs and snapshots labelled for cleanup by {@code owner}; absent things are no error. */
    void cleanup(Owner owner) throws MoverException;

    /** Deletes everything {@code owner} owns (the object was deleted). */
    void deleteOwned(Owner owner) throws MoverException;
}
