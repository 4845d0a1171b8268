package dev.ferry.rpc.tag;

/**
 * A Juju tag: an entity's kind and id written as one string ({@code machine-0-lxd-1}, {@code unit-mysql-0},
 * {@code model-<uuid>}); parses tag strings with Juju's rules and error texts.
 *
 * <p>Implementations are immutable value records: two tags are equal when their kind and id are, and
 * {@link #toString()} gives the canonical tag string.
 */
public sealed interface Tag permits MachineTag, ModelTag, UserTag, ApplicationTag, UnitTag, ControllerTag, VolumeTag {

    TagKind kind();

    /** The entity's id as Juju writes it outside tags, e.g. {@code 0/lxd/1} or {@code mysql/0}. */
    String id();

    /** The canonical tag string, e.g. {@code machine-0-lxd-1}. */
    @Override
    String toString();

    /**
     * Parses a tag of any kind.
     *
     * @throws InvalidTagException {@code "<s>" is not a valid tag} when the prefix names no known kind, or
     *         {@code "<s>" is not a valid <kind> tag} when the prefix is known but the rest is not a valid id
     */
    static Tag parse(String s) {
        String input = s == null ? "" : s;
        int dash = input.indexOf('-');
        if (dash <= 0) {
            throw InvalidTagException.notATag(input);
        }
        TagKind kind = TagKind.ofPrefix(input.substring(0, dash))
                .orElseThrow(() -> InvalidTagException.notATag(input));
        String suffix = input.substring(dash + 1);
        Tag tag = switch (kind) {
            case MACHINE -> MachineTag.fromTagSuffix(suffix);
            case MODEL -> ModelTag.fromTagSuffix(suffix);
            case USER -> UserTag.fromTagSuffix(suffix);
            case APPLICATION -> ApplicationTag.fromTagSuffix(suffix);
            case UNIT -> UnitTag.fromTagSuffix(suffix);
            case CONTROLLER -> ControllerTag.fromTagSuffix(suffix);
            case VOLUME -> VolumeTag.fromTagSuffix(suffix);
        };
        if (tag == null) {
            throw InvalidTagException.notA(kind, input);
        }
        return tag;
    }

    /** Parses a machine (or container) tag; see {@link #parse(String)} for the errors. */
    static MachineTag parseMachine(String s) {
        return parseAs(MachineTag.class, TagKind.MACHINE, s);
    }

    static ModelTag parseModel(String s) {
        return parseAs(ModelTag.class, TagKind.MODEL, s);
    }

    static UserTag parseUser(String s) {
        return parseAs(UserTag.class, TagKind.USER, s);
    }

    static ApplicationTag parseApplication(String s) {
        return parseAs(ApplicationTag.class, TagKind.APPLICATION, s);
    }

    static UnitTag parseUnit(String s) {
        return parseAs(UnitTag.class, TagKind.UNIT, s);
    }

    static ControllerTag parseController(String s) {
        return parseAs(ControllerTag.class, TagKind.CONTROLLER, s);
    }

    static VolumeTag parseVolume(String s) {
        return parseAs(VolumeTag.class, TagKind.VOLUME, s);
    }

    /**
     * Parses a tag that must be of one kind: garbage keeps the generic message, a valid tag of another kind gets
     * {@code "<s>" is not a valid <kind> tag} (Juju parses first, then checks the kind).
     */
    private static <T extends Tag> T parseAs(Class<T> type, TagKind kind, String s) {
        Tag tag = parse(s);
        if (!type.isInstance(tag)) {
            throw InvalidTagException.notA(kind, s);
        }
        return type.cast(tag);
    }
}
