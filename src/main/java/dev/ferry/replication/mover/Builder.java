package dev.ferry.replication.mover;

import java.util.Optional;

import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;

/**
 * Makes a {@link Mover} from an object when the object has this builder's section, and nothing otherwise. Pure
 * factory: no validation of secrets or fields (that happens in {@link Mover#synchronize()}); it may initialise
 * missing status sub-objects, as VolSync's builders do.
 */
public interface Builder {

    Optional<Mover> fromSource(MoverEnvironment env, ReplicationSource source, boolean privileged)
            throws MoverException;

    Optional<Mover> fromDestination(MoverEnvironment env, ReplicationDestination destination, boolean privileged)
            throws MoverException;

    /** Human-readable version, e.g. {@code Rsync container: rsync 3.2.7}. */
    String versionInfo();
}
