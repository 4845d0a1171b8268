package dev.ferry.replication.mover;

/**
 * A data mover bound to one ReplicationSource or ReplicationDestination. Rebuilt on every reconcile pass, so it
 * keeps no state of its own: each call re-derives the world from the object's status and from named resources
 * (volumes, secrets, jobs), creates what is missing and never duplicates. Both operations are idempotent.
 * Calls block (files, processes): callers run them on worker threads, never on an event loop.
 */
public interface Mover {

    /** Stable identifier, the {@code method} label of the metrics: rsync, rclone, restic, … */
    String name();

    /** Begins or continues a synchronization; called until the result is completed. */
    Result synchronize() throws MoverException;

    /** Begins or continues removing the temporary resources of the last synchronization. */
    Result cleanup() throws MoverException;
}
