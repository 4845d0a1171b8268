package dev.ferry.replication.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import dev.ferry.replication.api.ObjectKey;
import dev.ferry.replication.mover.MoverException;

/**
 * Keeps every path under {@code <root>/<namespace>}: names must be DNS-1123 names (so no {@code ..}, no slash, never
 * absolute), and an existing path must resolve, links followed, inside the namespace's own directory.
 */
public final class PathGuard {

    private final Path root;

    public PathGuard(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The namespace's directory (created if missing). */
    public Path namespaceDir(String namespace) throws MoverException {
        if (!ObjectKey.isNamespace(namespace)) {
            throw new MoverException("invalid namespace \"" + namespace + "\": must be a DNS-1123 label");
        }
        Path dir = root.resolve(namespace);
        try {
            Files.createDirectories(dir);
            Path real = dir.toRealPath();
            if (!real.getParent().equals(root.toRealPath())) {
                throw new MoverException("refusing namespace \"" + namespace + "\": it leads outside " + root);
            }
            return real;
        } catch (IOException e) {
            throw new MoverException("cannot use the directory of namespace \"" + namespace + "\": " + e.getMessage(),
                    e);
        }
    }

    /** {@code <root>/<namespace>/<name>} after checking the name and, if it exists, where it really leads. */
    public Path resolve(String namespace, String name, String what) throws MoverException {
        if (!ObjectKey.isName(name)) {
            throw new MoverException("invalid " + what + " name \"" + name
                    + "\": must be a DNS-1123 subdomain (no \"..\", \"/\" or absolute paths)");
        }
        Path nsDir = namespaceDir(namespace);
        Path path = nsDir.resolve(name);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            checkInside(nsDir, path, what + " \"" + name + "\"");
        }
        return path;
    }

    /** Fails unless {@code path}, links followed, is inside {@code dir}. */
    public static void checkInside(Path dir, Path path, String what) throws MoverException {
        try {
            Path real = path.toRealPath();
            if (!real.startsWith(dir.toRealPath()) || real.equals(dir.toRealPath())) {
                throw new MoverException("refusing " + what + ": it leads outside its namespace");
            }
        } catch (IOException e) {
            throw new MoverException("refusing " + what + ": " + e.getMessage(), e);
        }
    }
}
