package dev.ferry.replication.mover;

import java.util.Optional;
import java.util.function.Function;

import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;

/**
 * A builder for a mover section Ferry accepts in the API but does not implement (syncthing). It matches
 * its section like a real builder (so "two movers" is still detected), and its mover fails every sync with an
 * error naming the section, which the object's {@code Synchronizing} condition then shows.
 */
public final class UnsupportedMoverBuilder implements Builder {

    private final String name;
    private final String section;
    private final Function<ReplicationSource, Object> sourceSection;
    private final Function<ReplicationDestination, Object> destinationSection;

    public UnsupportedMoverBuilder(String name, String section, Function<ReplicationSource, Object> sourceSection,
            Function<ReplicationDestination, Object> destinationSection) {
        this.name = name;
        this.section = section;
        this.sourceSection = sourceSection;
        this.destinationSection = destinationSection;
    }

    public static UnsupportedMoverBuilder syncthing() {
        return new UnsupportedMoverBuilder("syncthing", "syncthing", s -> s.spec().syncthing(), d -> null);
    }

    @Override
    public Optional<Mover> fromSource(MoverEnvironment env, ReplicationSource source, boolean privileged) {
        return source.spec() != null && sourceSection.apply(source) != null ? Optional.of(mover())
                : Optional.empty();
    }

    @Override
    public Optional<Mover> fromDestination(MoverEnvironment env, ReplicationDestination destination,
            boolean privileged) {
        return destination.spec() != null && destinationSection.apply(destination) != null ? Optional.of(mover())
                : Optional.empty();
    }

    @Override
    public String versionInfo() {
        return name + " mover: not available in Ferry";
    }

    private Mover mover() {
        String message = "the " + name + " mover (spec." + section + ") is not available in Ferry; use rsync, rsync-tls, "
                + "rclone or restic";
        return new Mover() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result synchronize() throws MoverException {
                throw new MoverException(message);
            }

            @Override
            public Result cleanup() {
                return Result.complete();
            }
        };
    }
}
