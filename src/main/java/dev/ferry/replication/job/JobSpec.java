package dev.ferry.replication.job;

import dev.ferry.replication.volume.Owner;

/**
 * A mover Job: a named script run on behalf of an owner. {@code parallelism} 0 means paused (the job exists but
 * nothing runs); a failed attempt is retried until {@code backoffLimit} attempts have failed. A temporary job
 * carries the owner's cleanup label, so the owner's Cleanup deletes it.
 */
public record JobSpec(String namespace, String name, Owner owner, boolean temporary, int backoffLimit,
        int parallelism, JobScript script) {
}
