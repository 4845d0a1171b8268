package dev.ferry.replication.mover.restic;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ResticStatus;
import dev.ferry.replication.mover.Builder;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverLogs;

/** Builds the restic mover from {@code spec.restic}. */
public final class ResticBuilder implements Builder {

    static final Predicate<String> SUCCESS_LOGS = MoverLogs.anyOf(Pattern.compile("^processed .* files"),
            Pattern.compile("^snapshot .* saved"), Pattern.compile("^No eligible"), Pattern.compile("No data"),
            Pattern.compile("Directory is empty"), Pattern.compile("^created"),
            Pattern.compile("^repository .* opened"), Pattern.compile("^restoring"),
            Pattern.compile("^no parent snapshot"), Pattern.compile("^using parent snapshot"),
            Pattern.compile("^Added to the repository"), Pattern.compile("^successfully"),
            Pattern.compile("^Restic completed in"));

    private final String version;

    public ResticBuilder(String version) {
        this.version = version;
    }

    @Override
    public Optional<Mover> fromSource(MoverEnvironment env, ReplicationSource source, boolean privileged) {
        if (source.spec() == null || source.spec().restic() == null) {
            return Optional.empty();
        }
        if (source.status().restic == null) {
            source.status().restic = ResticStatus.empty();
        }
        if (source.status().latestMoverStatus == null) {
            source.status().latestMoverStatus = MoverStatus.empty();
        }
        return Optional.of(new ResticSourceMover(env, source, privileged));
    }

    @Override
    public Optional<Mover> fromDestination(MoverEnvironment env, ReplicationDestination destination,
            boolean privileged) {
        if (destination.spec() == null || destination.spec().restic() == null) {
            return Optional.empty();
        }
        if (destination.status().latestMoverStatus == null) {
            destination.status().latestMoverStatus = MoverStatus.empty();
        }
        return Optional.of(new ResticDestinationMover(env, destination, privileged));
    }

    @Override
    public String versionInfo() {
        return "Restic container: " + version;
    }
}
