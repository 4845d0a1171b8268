package dev.ferry.replication.mover.rclone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * {@code permissions.facl}, the ACLs the rclone mover carries beside the data, in VolSync's layout: VolSync runs
 * {@code getfacl -R /data}, so every entry is named {@code data} or {@code data/<path>}. Ferry writes the same, so
 * that either side of a remote may be VolSync's. On restore the file is the remote's content, which is not trusted:
 * only entries naming an existing file or directory inside the volume, reached without a symbolic link, are
 * restored; the rest (absolute paths, {@code ..}, links, names outside {@code data}) are dropped and counted.
 */
final class PermissionsFile {

    static final String FILE_PREFIX = "# file: ";
    private static final String ROOT = "data";

    private PermissionsFile() {
    }

    /** {@code getfacl -R .} run in the volume, renamed as VolSync's {@code getfacl -R /data} names it. */
    static String fromVolume(String getfaclOutput) {
        StringBuilder out = new StringBuilder(getfaclOutput.length() + 64);
        for (String line : getfaclOutput.split("\n", -1)) {
            if (line.startsWith(FILE_PREFIX)) {
                String name = line.substring(FILE_PREFIX.length());
                line = FILE_PREFIX + (name.equals(".") ? ROOT : ROOT + "/" + name);
            }
            out.append(line).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /**
     * What may be restored into {@code volume}, named relative to it (setfacl runs there), and how much was not.
     * {@code facl} is the file's bytes one character each (ISO-8859-1), so that any name survives unchanged.
     */
    record Restorable(String text, int dropped) {
    }

    /**
     * Rebuilt from what is understood, never copied through: setfacl reads any line whose text after blanks starts
     * with {@code #} and, after more blanks, {@code file:} as a new file, so only a canonical form of the recognised
     * lines (a file, its owner, group and flags, its ACL entries) reaches it; anything else is dropped.
     */
    static Restorable forVolume(String facl, Path volume) throws IOException {
        Path root = volume.toRealPath();
        StringBuilder kept = new StringBuilder();
        int dropped = 0;
        boolean keep = false;
        for (String line : facl.split("\n", -1)) {
            String text = line.strip();
            if (text.startsWith("#")) {
                String comment = text.substring(1).strip();
                if (comment.startsWith("file:")) {
                    String name = comment.substring("file:".length()).strip();
                    String relative = relative(name);
                    keep = relative != null && inside(root, relative);
                    if (keep) {
                        kept.append(kept.isEmpty() ? "" : "\n").append(FILE_PREFIX).append(relative).append('\n');
                    } else {
                        dropped++;
                    }
                } else if (keep && HEADER.matcher(comment).matches()) {
                    kept.append("# ").append(comment).append('\n');
                }
            } else if (keep && ENTRY.matcher(text).matches()) {
                kept.append((text.contains("#") ? text.substring(0, text.indexOf('#')) : text).strip()).append('\n');
            }
        }
        if (!kept.isEmpty()) {
            kept.append('\n');
        }
        return new Restorable(kept.toString(), dropped);
    }

    /** The comments setfacl acts on besides the file: its owner, group and flags. */
    private static final Pattern HEADER = Pattern.compile("(owner|group):\\s*[^\\s:#]+|flags:\\s*[sut-]{3}");
    /** An ACL entry as getfacl writes it, with its optional "#effective:" comment. */
    private static final Pattern ENTRY = Pattern.compile(
            "(default:)?(user|group|mask|other):[^\\s:#]*:[rwxX-]{3}(\\s*#effective:[rwx-]{3})?");

    /** {@code data} → {@code .}, {@code data/x} → {@code x} (still escaped as getfacl escapes); else null. */
    private static String relative(String name) {
        if (name.equals(ROOT)) {
            return ".";
        }
        return name.startsWith(ROOT + "/") && name.length() > ROOT.length() + 1 ? name.substring(ROOT.length() + 1)
                : null;
    }

    private static boolean inside(Path root, String escaped) throws IOException {
        String name = unescape(escaped);
        if (name.startsWith("/") || name.indexOf('\0') >= 0 || !name.equals(name.strip())) {
            return false;
        }
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                return false;
            }
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        // No link anywhere on the way: the real path is the path itself.
        return target.toRealPath().equals(target);
    }

    /**
     * getfacl's escapes (a backslash and three octal digits per byte of special characters) undone; the text is
     * the file's bytes one character each (ISO-8859-1), the name those bytes as UTF-8.
     */
    static String unescape(String escaped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(escaped.length());
        byte[] raw = escaped.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\' && i + 3 < raw.length && isOctal(raw[i + 1]) && isOctal(raw[i + 2])
                    && isOctal(raw[i + 3])) {
                bytes.write((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 + (raw[i + 3] - '0'));
                i += 3;
            } else {
                bytes.write(raw[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }
}
