package dev.ferry.rpc.tag;

import java.util.Optional;

/** Container types that may appear in a machine id ({@code 0/lxd/1}); kvm only historically, lxd in practice. */
public enum ContainerType {
    LXD("lxd"),
    KVM("kvm");

    private final String value;

    ContainerType(String value) {
        this.value = value;
    }

    /** The lower-case name used in machine ids and on the wire. */
    public String value() {
        return value;
    }

    public static Optional<ContainerType> of(String value) {
        for (ContainerType type : values()) {
            if (type.value.equals(value)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
