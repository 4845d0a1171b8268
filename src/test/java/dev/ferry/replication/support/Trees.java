package dev.ferry.replication.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds small file trees and describes trees entry by entry (type, mode, owner, size, mtime, SHA-256). */
public final class Trees {

    private Trees() {
    }

    /** A tree with nested directories, modes, an owner change, an empty directory and (optionally) symlinks. */
    public static void populate(Path root, long seed, int files, boolean symlinks) throws IOException {
        Random random = new Random(seed);
        Files.createDirectories(root.resolve("a/b/c"));
        Files.createDirectories(root.resolve("empty-dir"));
        for (int i = 0; i < files; i++) {
            Path dir = switch (i % 3) {
                case 0 -> root;
                case 1 -> root.resolve("a");
                default -> root.resolve("a/b/c");
            };
            byte[] content = new byte[1024 + random.nextInt(64 * 1024)];
            random.nextBytes(content);
            Path file = dir.resolve("file-" + i + ".bin");
            Files.write(file, content);
            Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L + i * 1000L));
        }
        Files.writeString(root.resolve("secret.txt"), "only the owner reads this\n");
        Files.setPosixFilePermissions(root.resolve("secret.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(root.resolve("a/run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(root.resolve("a/run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(root.resolve("a/b"), PosixFilePermissions.fromString("rwxr-x--x"));
        Files.writeString(root.resolve("owned.txt"), "owned by someone else\n");
        Files.setAttribute(root.resolve("owned.txt"), "unix:uid", 4242);
        Files.setAttribute(root.resolve("owned.txt"), "unix:gid", 4343);
        if (symlinks) {
            Files.createSymbolicLink(root.resolve("link-to-run"), Path.of("a/run.sh"));
            // Targets are data: copied as they are, even those leading out of the tree.
            Files.createSymbolicLink(root.resolve("absolute-link"), Path.of("/etc/hostname"));
            Files.createSymbolicLink(root.resolve("a/b/link-up-and-out"), Path.of("../../../elsewhere/file"));
        }
    }

    /** Relative path → "type mode uid:gid size mtime sha256" (or the link target), directories without mtime. */
    public static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                Object gid = Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                if (Files.isSymbolicLink(p)) {
                    entries.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    entries.put(rel, "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                            + uid + ":" + gid);
                } else {
                    entries.put(rel, "file " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                            + uid + ":" + gid + " " + Files.size(p) + " "
                            + Files.getLastModifiedTime(p).toMillis() / 1000 + " " + sha256(p));
                }
            }
        }
        return entries;
    }

    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buffer = new byte[65536];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
