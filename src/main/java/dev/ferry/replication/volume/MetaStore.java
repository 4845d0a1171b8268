package dev.ferry.replication.volume;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Labels and annotations of local resources, one properties file per resource under
 * {@code <root>/<namespace>/.volsync/<type>/}. The leading dot keeps it apart from resource names, which are
 * DNS-1123 names and cannot start with one.
 */
final class MetaStore {

    static final String DIR = ".volsync";
    static final String OWNER_UID = "owner.uid";
    static final String OWNER_KIND = "owner.kind";
    static final String OWNER_NAME = "owner.name";

    private MetaStore() {
    }

    static Path typeDir(Path namespaceDir, String type) throws IOException {
        return Files.createDirectories(namespaceDir.resolve(DIR).resolve(type));
    }

    static Map<String, String> read(Path namespaceDir, String type, String name) throws IOException {
        Path file = typeDir(namespaceDir, type).resolve(name + ".properties");
        Map<String, String> values = new TreeMap<>();
        if (Files.isRegularFile(file)) {
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            }
            props.forEach((k, v) -> values.put((String) k, (String) v));
        }
        return values;
    }

    static void write(Path namespaceDir, String type, String name, Map<String, String> values) throws IOException {
        Path dir = typeDir(namespaceDir, type);
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
        Properties props = new Properties();
        props.putAll(values);
        try (OutputStream out = Files.newOutputStream(tmp)) {
            props.store(out, null);
        }
        moveAtomically(tmp, dir.resolve(name + ".properties"));
    }

    static void delete(Path namespaceDir, String type, String name) throws IOException {
        Files.deleteIfExists(typeDir(namespaceDir, type).resolve(name + ".properties"));
    }

    /** Names of the resources of a type whose label {@code key} has {@code value}. */
    static List<String> select(Path namespaceDir, String type, String key, String value) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(typeDir(namespaceDir, type), "*.properties")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replaceFirst("\\.properties$", "");
                if (name.startsWith(".")) {
                    continue;
                }
                if (value.equals(read(namespaceDir, type, name).get(key))) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes a tree: first renamed aside (one atomic step), then deleted. Absent trees are fine. */
    static void deleteTree(Path namespaceDir, Path tree) throws IOException {
        if (!Files.exists(tree, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path trash = Files.createDirectories(namespaceDir.resolve(DIR).resolve("trash"));
        Path aside = trash.resolve(tree.getFileName() + "-" + System.nanoTime());
        Files.move(tree, aside, StandardCopyOption.ATOMIC_MOVE);
        removeRecursively(aside);
    }

    static void removeRecursively(Path tree) throws IOException {
        if (!Files.exists(tree, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Processes.run(List.of("rm", "-rf", "--one-file-system", "--", tree.toString()), "remove " + tree.getFileName());
    }
}
