package dev.ferry.replication.reconcile;

import dev.ferry.replication.api.ReplicationStatus;

/** The state of VolSync's machine, derived from {@code lastSyncTime} and {@code lastSyncStartTime}, never stored. */
public enum State {
    INITIAL, SYNCHRONIZING, CLEANING_UP;

    public static State of(ReplicationStatus status) {
        if (status.lastSyncStartTime != null) {
            return SYNCHRONIZING;
        }
        return status.lastSyncTime == null ? INITIAL : CLEANING_UP;
    }
}
