package dev.ferry.rpc.tag;

/**
 * The tag of a storage volume: {@code volume-0} (model-scoped, id {@code 0}) or {@code volume-0-lxd-1-3}
 * (machine-scoped, id {@code 0/lxd/1/3}: the machine id, then the volume number).
 */
public record VolumeTag(String id) implements Tag {

    public VolumeTag {
        if (!isValidId(id)) {
            throw InvalidTagException.invalidId("volume id", id);
        }
    }

    public static VolumeTag ofId(String id) {
        return new VolumeTag(id);
    }

    public static boolean isValidId(String id) {
        return TagIds.matches(TagIds.VOLUME_ID, id);
    }

    static VolumeTag fromTagSuffix(String suffix) {
        String id = suffix.replace('-', '/');
        return isValidId(id) ? new VolumeTag(id) : null;
    }

    @Override
    public TagKind kind() {
        return TagKind.VOLUME;
    }

    @Override
    public String toString() {
        return "volume-" + id.replace('/', '-');
    }
}
