package dev.ferry.rpc.tag;

import java.util.regex.Matcher;

/** The tag of a unit: {@code unit-my-app-10}, id {@code my-app/10} (application name, slash, unit number). */
public record UnitTag(String id) implements Tag {

    public UnitTag {
        if (!isValidId(id)) {
            throw InvalidTagException.invalidId("unit name", id);
        }
    }

    public static UnitTag ofId(String id) {
        return new UnitTag(id);
    }

    public static boolean isValidId(String id) {
        return TagIds.matches(TagIds.UNIT_ID, id);
    }

    /** Only the last {@code -} separates the number, since application names may contain hyphens. */
    static UnitTag fromTagSuffix(String suffix) {
        int last = suffix.lastIndexOf('-');
        String id = last > 0 ? suffix.substring(0, last) + "/" + suffix.substring(last + 1) : suffix;
        return isValidId(id) ? new UnitTag(id) : null;
    }

    public String applicationName() {
        return id.substring(0, id.lastIndexOf('/'));
    }

    public ApplicationTag application() {
        return new ApplicationTag(applicationName());
    }

    /** The unit number as written ({@code 10} for {@code my-app/10}); a string because it may exceed a long. */
    public String number() {
        Matcher m = TagIds.UNIT_ID.matcher(id);
        m.matches();
        return m.group(2);
    }

    @Override
    public TagKind kind() {
        return TagKind.UNIT;
    }

    @Override
    public String toString() {
        int last = id.lastIndexOf('/');
        return "unit-" + id.substring(0, last) + "-" + id.substring(last + 1);
    }
}
