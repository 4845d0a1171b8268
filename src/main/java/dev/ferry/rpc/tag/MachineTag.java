package dev.ferry.rpc.tag;

import java.util.Optional;

/**
 * The tag of a machine or container: id {@code 0}, {@code 0/lxd/1} or nested {@code 1/lxd/99/lxd/100}, tag string
 * {@code machine-0-lxd-1} (the id with {@code /} written as {@code -}).
 */
public record MachineTag(String id) implements Tag {

    public MachineTag {
        if (!isValidId(id)) {
            throw InvalidTagException.invalidId("machine id", id);
        }
    }

    /** The tag of the machine with this id; throws {@code "<id>" is not a valid machine id} otherwise. */
    public static MachineTag ofId(String id) {
        return new MachineTag(id);
    }

    /** Top level: digits without leading zeros; containers: {@code <parent>/<lxd|kvm>/<n>}. */
    public static boolean isValidId(String id) {
        return TagIds.matches(TagIds.MACHINE_ID, id);
    }

    /**
     * Juju turns every {@code -} of the suffix into {@code /} before validating, so a tag written with slashes
     * ({@code machine-2/lxd/0}) parses too, to the canonical tag; we keep that for compatibility.
     */
    static MachineTag fromTagSuffix(String suffix) {
        String id = suffix.replace('-', '/');
        return isValidId(id) ? new MachineTag(id) : null;
    }

    @Override
    public TagKind kind() {
        return TagKind.MACHINE;
    }

    public boolean isContainer() {
        return id.indexOf('/') >= 0;
    }

    /** The direct parent's id: {@code 1/lxd/99/lxd/100} → {@code 1/lxd/99}; empty for a top-level machine. */
    public Optional<String> parentId() {
        int last = id.lastIndexOf('/');
        if (last < 0) {
            return Optional.empty();
        }
        return Optional.of(id.substring(0, id.lastIndexOf('/', last - 1)));
    }

    /** The direct parent's tag; empty for a top-level machine. */
    public Optional<MachineTag> parent() {
        return parentId().map(MachineTag::new);
    }

    /** The type of this container ({@code lxd} for {@code 0/lxd/1}); empty for a top-level machine. */
    public Optional<ContainerType> containerType() {
        int last = id.lastIndexOf('/');
        if (last < 0) {
            return Optional.empty();
        }
        int typeStart = id.lastIndexOf('/', last - 1) + 1;
        return ContainerType.of(id.substring(typeStart, last));
    }

    @Override
    public String toString() {
        return "machine-" + id.replace('/', '-');
    }
}
