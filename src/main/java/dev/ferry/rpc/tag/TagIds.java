package dev.ferry.rpc.tag;

import java.util.regex.Pattern;

/** The id grammars of the tag kinds, written once so that tags and ids are validated the same way. */
final class TagIds {

    static final String NUMBER = "(?:0|[1-9][0-9]*)";
    static final String CONTAINER_TYPE = "(?:lxd|kvm)";
    static final String MACHINE = NUMBER + "(?:/" + CONTAINER_TYPE + "/" + NUMBER + ")*";
    /** Words joined by hyphens; every word after the first must contain a letter, so {@code mysql-0} is no name. */
    static final String APPLICATION = "[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*";
    /** Juju's user-name rule: at least two characters, no leading or trailing punctuation. */
    static final String USER_NAME = "[a-zA-Z0-9][a-zA-Z0-9.+-]*[a-zA-Z0-9]";
    static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    static final Pattern MACHINE_ID = Pattern.compile(MACHINE);
    static final Pattern APPLICATION_NAME = Pattern.compile(APPLICATION);
    static final Pattern UNIT_ID = Pattern.compile("(" + APPLICATION + ")/(" + NUMBER + ")");
    static final Pattern USER_ID = Pattern.compile("(" + USER_NAME + ")(?:@(" + USER_NAME + "))?");
    static final Pattern UUID_ID = Pattern.compile(UUID);
    static final Pattern VOLUME_ID = Pattern.compile("(?:" + MACHINE + "/)?" + NUMBER);

    private TagIds() {
    }

    static boolean matches(Pattern pattern, String id) {
        return id != null && pattern.matcher(id).matches();
    }
}
