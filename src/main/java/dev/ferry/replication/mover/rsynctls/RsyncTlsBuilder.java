package dev.ferry.replication.mover.rsynctls;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.RsyncTlsStatus;
import dev.ferry.replication.mover.Builder;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverLogs;

/** Builds the rsync-tls mover (rsync's daemon protocol inside TLS with a pre-shared key) from {@code spec.rsyncTLS}. */
public final class RsyncTlsBuilder implements Builder {

    /** VolSync's success filter: the transfer summaries and the completion line, anywhere in a line. */
    static final Predicate<String> SUCCESS_LOGS = MoverLogs.anyOf(
            Pattern.compile("[sS]ent\\s.+[bB]ytes.+[rR]eceived\\s.+[bB]ytes"), Pattern.compile("[tT]otal size"),
            Pattern.compile("[rR]sync completed in"));
    /** VolSync's failure filter: the success lines, rsync's own, and any failure or error. */
    static final Predicate<String> FAILURE_LOGS = SUCCESS_LOGS.or(MoverLogs.anyOf(Pattern.compile("^\\s*[rR]sync"),
            Pattern.compile("^\\s*disk[rR]sync"), Pattern.compile("[fF]ail"), Pattern.compile("[eE]rror")));

    private final String version;

    public RsyncTlsBuilder(String version) {
        this.version = version;
    }

    @Override
    public Optional<Mover> fromSource(MoverEnvironment env, ReplicationSource source, boolean privileged) {
        if (source.spec() == null || source.spec().rsyncTLS() == null) {
            return Optional.empty();
        }
        if (source.status().rsyncTLS == null) {
            source.status().rsyncTLS = new RsyncTlsStatus(null, null, null);
        }
        if (source.status().latestMoverStatus == null) {
            source.status().latestMoverStatus = MoverStatus.empty();
        }
        return Optional.of(new RsyncTlsSourceMover(env, source));
    }

    @Override
    public Optional<Mover> fromDestination(MoverEnvironment env, ReplicationDestination destination,
            boolean privileged) {
        if (destination.spec() == null || destination.spec().rsyncTLS() == null) {
            return Optional.empty();
        }
        if (destination.status().rsyncTLS == null) {
            destination.status().rsyncTLS = new RsyncTlsStatus(null, null, null);
        }
        if (destination.status().latestMoverStatus == null) {
            destination.status().latestMoverStatus = MoverStatus.empty();
        }
        return Optional.of(new RsyncTlsDestinationMover(env, destination));
    }

    @Override
    public String versionInfo() {
        return "Rsync TLS container: " + version;
    }
}
