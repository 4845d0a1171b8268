package dev.ferry.replication.job;

import java.util.Map;
import java.util.TreeMap;

import dev.ferry.replication.volume.Owner;

/**
 * A mover Job: a named script run on behalf of an owner. {@code parallelism} 0 means paused (the job exists but
 * nothing runs); a failed attempt is retried until {@code backoffLimit} attempts have failed. A temporary job
 * carries the owner's cleanup label, so the owner's Cleanup deletes it. {@code template} is what a Kubernetes Job's
 * pod template would hold (arguments, environment, volumes, addresses; secrets by name, not content, except a
 * digest where a mover must restart when a secret is made anew): the script is built from it, so a job whose
 * template changed is replaced, as VolSync replaces a Job whose template it cannot update.
 */
public record JobSpec(String namespace, String name, Owner owner, boolean temporary, int backoffLimit,
        int parallelism, Map<String, String> template, JobScript script) {

    public JobSpec {
        template = Map.copyOf(template);
    }

    /** A template from key/value pairs; a null value is kept as empty. */
    public static Map<String, String> template(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        Map<String, String> template = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            template.put(String.valueOf(keyValues[i]), keyValues[i + 1] == null ? "" : keyValues[i + 1].toString());
        }
        return template;
    }
}
