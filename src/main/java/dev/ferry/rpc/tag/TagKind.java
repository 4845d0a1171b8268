package dev.ferry.rpc.tag;

import java.util.Optional;

/** The kinds of Juju tag Ferry understands, each with the prefix that starts its tag string. */
public enum TagKind {
    MACHINE("machine"),
    MODEL("model"),
    USER("user"),
    APPLICATION("application"),
    UNIT("unit"),
    CONTROLLER("controller"),
    VOLUME("volume");

    private final String prefix;

    TagKind(String prefix) {
        this.prefix = prefix;
    }

    /** The tag string's prefix before the first {@code -}, e.g. {@code machine}. */
    public String prefix() {
        return prefix;
    }

    public static Optional<TagKind> ofPrefix(String prefix) {
        for (TagKind kind : values()) {
            if (kind.prefix.equals(prefix)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return prefix;
    }
}
