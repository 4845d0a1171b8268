package dev.ferry.replication.volume;

import dev.ferry.replication.mover.MoverException;

/**
 * A source PVC that uses VolSync's copy trigger has waited longer than ten minutes for its trigger to change: the
 * mover reports it as a failed mover status and goes on waiting, as VolSync does.
 */
public final class CopyTriggerTimeoutException extends MoverException {

    public CopyTriggerTimeoutException(String pvc) {
        super("Timed out waiting for copy-trigger to be modified for pvc " + pvc);
    }
}
