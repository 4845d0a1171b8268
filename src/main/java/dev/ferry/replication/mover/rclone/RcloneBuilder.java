package dev.ferry.replication.mover.rclone;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.mover.Builder;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverLogs;

/** Builds the rclone mover from {@code spec.rclone}. */
public final class RcloneBuilder implements Builder {

    static final Predicate<String> SUCCESS_LOGS = MoverLogs.anyOf(Pattern.compile("^[tT]ransferred:"),
            Pattern.compile("^[cC]hecks:"), Pattern.compile("^[dD]eleted:"), Pattern.compile("^[eE]lapsed time:"),
            Pattern.compile("^Rclone completed in"));

    private final String version;

    public RcloneBuilder(String version) {
        this.version = version;
    }

    @Override
    public Optional<Mover> fromSource(MoverEnvironment env, ReplicationSource source, boolean privileged) {
        if (source.spec() == null || source.spec().rclone() == null) {
            return Optional.empty();
        }
        if (source.status().latestMoverStatus == null) {
            source.status().latestMoverStatus = MoverStatus.empty();
        }
        var s = source.spec().rclone();
        return Optional.of(new RcloneMover(env, source, s.volumeOptions(), s.rcloneConfig(), s.rcloneConfigSection(),
                s.rcloneDestPath(), s.customCA(), true, privileged));
    }

    @Override
    public Optional<Mover> fromDestination(MoverEnvironment env, ReplicationDestination destination,
            boolean privileged) {
        if (destination.spec() == null || destination.spec().rclone() == null) {
            return Optional.empty();
        }
        if (destination.status().latestMoverStatus == null) {
            destination.status().latestMoverStatus = MoverStatus.empty();
        }
        var s = destination.spec().rclone();
        return Optional.of(new RcloneMover(env, destination, s.volumeOptions(), s.rcloneConfig(),
                s.rcloneConfigSection(), s.rcloneDestPath(), s.customCA(), false, privileged));
    }

    @Override
    public String versionInfo() {
        return "Rclone container: " + version;
    }
}
