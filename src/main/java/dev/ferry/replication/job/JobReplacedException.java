package dev.ferry.replication.job;

/**
 * The job's template changed while it existed: the job was deleted so that the next pass creates it anew, with the
 * error VolSync reports when a Job's pod template cannot be updated.
 */
public final class JobReplacedException extends RuntimeException {

    public static final String MESSAGE = "unable to update object. Deleting object so it can be recreated";

    public JobReplacedException() {
        super(MESSAGE);
    }
}
