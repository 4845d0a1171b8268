package dev.ferry.replication.job;

import java.util.Optional;
import java.util.function.Consumer;

import dev.ferry.replication.volume.Owner;

/**
 * Runs mover Jobs. {@link LocalJobRunner} runs them as processes on worker threads; a Kubernetes runner (batch/v1
 * Jobs) can be added behind the same interface.
 */
public interface JobRunner {

    /**
     * Creates the job if it does not exist (or updates its parallelism); returns its status. A job whose template
     * differs from {@code spec}'s is deleted, stopping what it runs, and {@link JobReplacedException} thrown.
     */
    JobStatus ensure(JobSpec spec);

    Optional<JobStatus> get(String namespace, String name);

    /** Deletes the job, stopping whatever it runs; an absent job is no error. */
    void delete(String namespace, String name);

    /** Deletes the owner's temporary jobs (its Cleanup). */
    void cleanup(Owner owner);

    /** Deletes every job of the owner (the owner was deleted). */
    void deleteOwned(Owner owner);

    /** Called (on a job thread) whenever an attempt of one of the owner's jobs ends. */
    void onAttemptEnded(Consumer<Owner> listener);
}
