package dev.ferry.replication.mover.rclone;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** What Ferry needs to know of an {@code rclone.conf} (INI): a section's backend type. */
final class RcloneConfig {

    private RcloneConfig() {
    }

    /**
     * Where VolSync's closing {@code sync} matters on the source: the remote's directory when the section is a
     * {@code local} remote (its writes sit in this host's page cache), else null, meaning every file system, as
     * VolSync's {@code sync} does (a wrapper such as {@code alias} or {@code crypt} may still end on a local disk).
     * The type is read as rclone does: {@code RCLONE_CONFIG_<SECTION>_TYPE} first, then the section in the file.
     */
    static Path localRemotePath(String conf, Map<String, String> env, String section, String destPath,
            Path workingDirectory) {
        String type = env.get("RCLONE_CONFIG_" + section.toUpperCase(Locale.ROOT).replace('-', '_') + "_TYPE");
        if (type == null) {
            type = sectionType(conf, section);
        }
        return type != null && type.strip().equals("local") ? workingDirectory.resolve(destPath) : null;
    }

    /** The {@code type} of {@code [section]}, or null when the section or its type is absent. */
    static String sectionType(String conf, String section) {
        boolean inSection = false;
        for (String raw : conf.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("[") && line.endsWith("]")) {
                inSection = line.substring(1, line.length() - 1).strip().equals(section);
            } else if (inSection && !line.startsWith("#") && !line.startsWith(";")) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).strip().equals("type")) {
                    return line.substring(eq + 1).strip();
                }
            }
        }
        return null;
    }
}
