package dev.ferry.replication.mover;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;

/**
 * The ordered list of registered {@link Builder}s. From an object it yields exactly one mover, else
 * {@link NoMoverFoundException} or {@link MultipleMoversFoundException}. As in VolSync, a builder that fails is
 * treated as "not matching" (its error is dropped).
 */
public final class Catalog {

    private final List<Builder> builders = new CopyOnWriteArrayList<>();

    public Catalog register(Builder builder) {
        builders.add(builder);
        return this;
    }

    public List<Builder> builders() {
        return List.copyOf(builders);
    }

    public Mover sourceMover(MoverEnvironment env, ReplicationSource source, boolean privileged)
            throws MoverException {
        List<Mover> found = new ArrayList<>();
        for (Builder builder : builders) {
            try {
                builder.fromSource(env, source, privileged).ifPresent(found::add);
            } catch (MoverException | RuntimeException e) {
                // VolSync drops a builder's error and treats it as not matching.
            }
            if (found.size() > 1) {
                throw new MultipleMoversFoundException();
            }
        }
        return single(found);
    }

    public Mover destinationMover(MoverEnvironment env, ReplicationDestination destination, boolean privileged)
            throws MoverException {
        List<Mover> found = new ArrayList<>();
        for (Builder builder : builders) {
            try {
                builder.fromDestination(env, destination, privileged).ifPresent(found::add);
            } catch (MoverException | RuntimeException e) {
                // VolSync drops a builder's error and treats it as not matching.
            }
            if (found.size() > 1) {
                throw new MultipleMoversFoundException();
            }
        }
        return single(found);
    }

    private static Mover single(List<Mover> found) throws NoMoverFoundException {
        return Optional.of(found).filter(f -> f.size() == 1).map(f -> f.get(0))
                .orElseThrow(NoMoverFoundException::new);
    }
}
