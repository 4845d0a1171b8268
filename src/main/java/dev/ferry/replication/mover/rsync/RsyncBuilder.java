package dev.ferry.replication.mover.rsync;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.RsyncStatus;
import dev.ferry.replication.mover.Builder;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverLogs;

/** Builds the rsync mover from {@code spec.rsync}. */
public final class RsyncBuilder implements Builder {

    /** VolSync's success filter: the transfer summary and the completion line. */
    static final Predicate<String> SUCCESS_LOGS = MoverLogs.anyOf(
            Pattern.compile("^[sS]ent .* bytes .* received .* bytes"), Pattern.compile("^[tT]otal size"),
            Pattern.compile("^[rR]sync completed in"));

    private final String version;

    public RsyncBuilder(String version) {
        this.version = version;
    }

    @Override
    public Optional<Mover> fromSource(MoverEnvironment env, ReplicationSource source, boolean privileged) {
        if (source.spec() == null || source.spec().rsync() == null) {
            return Optional.empty();
        }
        if (source.status().rsync == null) {
            source.status().rsync = RsyncStatus.empty();
        }
        if (source.status().latestMoverStatus == null) {
            source.status().latestMoverStatus = MoverStatus.empty();
        }
        return Optional.of(new RsyncSourceMover(env, source));
    }

    @Override
    public Optional<Mover> fromDestination(MoverEnvironment env, ReplicationDestination destination,
            boolean privileged) {
        if (destination.spec() == null || destination.spec().rsync() == null) {
            return Optional.empty();
        }
        if (destination.status().rsync == null) {
            destination.status().rsync = RsyncStatus.empty();
        }
        if (destination.status().latestMoverStatus == null) {
            destination.status().latestMoverStatus = MoverStatus.empty();
        }
        return Optional.of(new RsyncDestinationMover(env, destination));
    }

    @Override
    public String versionInfo() {
        return "Rsync container: " + version;
    }
}
