package dev.ferry.rpc.tag;

/** The tag of an application: {@code application-mysql}, id = the application name. */
public record ApplicationTag(String id) implements Tag {

    public ApplicationTag {
        if (!isValidName(id)) {
            throw InvalidTagException.invalidId("application name", id);
        }
    }

    public static ApplicationTag ofName(String name) {
        return new ApplicationTag(name);
    }

    /**
     * Lower-case words joined by hyphens, each word after the first containing a letter: {@code my-app} is valid,
     * {@code my-app-0} is not (which is what makes unit tags unambiguous).
     */
    public static boolean isValidName(String name) {
        return TagIds.matches(TagIds.APPLICATION_NAME, name);
    }

    static ApplicationTag fromTagSuffix(String suffix) {
        return isValidName(suffix) ? new ApplicationTag(suffix) : null;
    }

    public String name() {
        return id;
    }

    @Override
    public TagKind kind() {
        return TagKind.APPLICATION;
    }

    @Override
    public String toString() {
        return "application-" + id;
    }
}
