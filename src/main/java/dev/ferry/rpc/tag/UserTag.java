package dev.ferry.rpc.tag;

import java.util.Optional;
import java.util.regex.Matcher;

/**
 * The tag of a user: {@code user-admin} (local) or {@code user-bob@external} (with a domain). As in Juju, the
 * domain {@code local} means a local user and is dropped, so {@code user-admin@local} equals {@code user-admin}.
 */
public record UserTag(String id) implements Tag {

    private static final String LOCAL_DOMAIN = "local";

    public UserTag {
        if (!isValidId(id)) {
            throw InvalidTagException.invalidId("user name", id);
        }
        if (id.endsWith("@" + LOCAL_DOMAIN)) {
            id = id.substring(0, id.length() - LOCAL_DOMAIN.length() - 1);
        }
    }

    public static UserTag ofId(String id) {
        return new UserTag(id);
    }

    /** {@code name} or {@code name@domain}; each part at least two characters, as Juju requires. */
    public static boolean isValidId(String id) {
        return TagIds.matches(TagIds.USER_ID, id);
    }

    static UserTag fromTagSuffix(String suffix) {
        return isValidId(suffix) ? new UserTag(suffix) : null;
    }

    public String name() {
        int at = id.indexOf('@');
        return at < 0 ? id : id.substring(0, at);
    }

    /** The domain after {@code @}; empty for a local user. */
    public Optional<String> domain() {
        Matcher m = TagIds.USER_ID.matcher(id);
        m.matches();
        return Optional.ofNullable(m.group(2));
    }

    public boolean isLocal() {
        return domain().isEmpty();
    }

    @Override
    public TagKind kind() {
        return TagKind.USER;
    }

    @Override
    public String toString() {
        return "user-" + id;
    }
}
