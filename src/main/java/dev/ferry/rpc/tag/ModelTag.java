package dev.ferry.rpc.tag;

/** The tag of a model: {@code model-<uuid>}, id = the model's UUID (lower-case, canonical 8-4-4-4-12 form). */
public record ModelTag(String id) implements Tag {

    public ModelTag {
        if (!isValidUuid(id)) {
            throw InvalidTagException.invalidId("model UUID", id);
        }
    }

    public static ModelTag ofUuid(String uuid) {
        return new ModelTag(uuid);
    }

    /** Juju's UUID rule: lower-case hex in 8-4-4-4-12 groups. */
    public static boolean isValidUuid(String uuid) {
        return TagIds.matches(TagIds.UUID_ID, uuid);
    }

    static ModelTag fromTagSuffix(String suffix) {
        return isValidUuid(suffix) ? new ModelTag(suffix) : null;
    }

    public String uuid() {
        return id;
    }

    @Override
    public TagKind kind() {
        return TagKind.MODEL;
    }

    @Override
    public String toString() {
        return "model-" + id;
    }
}
