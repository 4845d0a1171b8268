package dev.ferry.replication.volume;

import java.util.Optional;

/** {@code copyMethod} of VolSync's volume options; {@code None} is the deprecated spelling of {@code Direct}. */
public enum CopyMethod {
    DIRECT, CLONE, SNAPSHOT;

    public static Optional<CopyMethod> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value) {
            case "Direct", "None" -> Optional.of(DIRECT);
            case "Clone" -> Optional.of(CLONE);
            case "Snapshot" -> Optional.of(SNAPSHOT);
            default -> Optional.empty();
        };
    }
}
