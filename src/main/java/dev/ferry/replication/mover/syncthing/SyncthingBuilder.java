package dev.ferry.replication.mover.syncthing;

import java.util.Optional;

import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.SyncthingStatus;
import dev.ferry.replication.mover.Builder;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;

/** Builds the Syncthing mover from {@code spec.syncthing}; sources only, as in VolSync. */
public final class SyncthingBuilder implements Builder {

    private final String version;

    public SyncthingBuilder(String version) {
        this.version = version;
    }

    @Override
    public Optional<Mover> fromSource(MoverEnvironment env, ReplicationSource source, boolean privileged) {
        if (source.spec() == null || source.spec().syncthing() == null) {
            return Optional.empty();
        }
        if (source.status().syncthing == null) {
            source.status().syncthing = SyncthingStatus.empty();
        }
        return Optional.of(new SyncthingMover(env, source));
    }

    @Override
    public Optional<Mover> fromDestination(MoverEnvironment env, ReplicationDestination destination,
            boolean privileged) {
        return Optional.empty();
    }

    @Override
    public String versionInfo() {
        return "Syncthing container version: " + version;
    }
}
