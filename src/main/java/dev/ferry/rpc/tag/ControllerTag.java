package dev.ferry.rpc.tag;

/** The tag of a controller: {@code controller-<uuid>}, id = the controller's UUID. */
public record ControllerTag(String id) implements Tag {

    public ControllerTag {
        if (!ModelTag.isValidUuid(id)) {
            throw InvalidTagException.invalidId("controller UUID", id);
        }
    }

    public static ControllerTag ofUuid(String uuid) {
        return new ControllerTag(uuid);
    }

    static ControllerTag fromTagSuffix(String suffix) {
        return ModelTag.isValidUuid(suffix) ? new ControllerTag(suffix) : null;
    }

    public String uuid() {
        return id;
    }

    @Override
    public TagKind kind() {
        return TagKind.CONTROLLER;
    }

    @Override
    public String toString() {
        return "controller-" + id;
    }
}
