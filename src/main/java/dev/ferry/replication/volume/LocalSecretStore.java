package dev.ferry.replication.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.ferry.replication.mover.MoverException;

/**
 * Secrets laid out like mounted Kubernetes Secrets: {@code <root>/<namespace>/<secret>/<key>}, one file per key.
 * Keys starting with a dot are skipped (Kubernetes' {@code ..data} links); links are followed only when they stay
 * inside the namespace. Generated secrets are written the same way (files 0600), their owner recorded in
 * {@code <root>/<namespace>/.volsync/secrets/}.
 */
public final class LocalSecretStore implements SecretStore {

    private static final String TYPE = "secrets";

    private final PathGuard guard;

    public LocalSecretStore(Path root) {
        this.guard = new PathGuard(root);
    }

    @Override
    public Optional<Map<String, byte[]>> get(String namespace, String name) throws MoverException {
        return readMounted(guard, namespace, name, "Secret");
    }

    /**
     * An object laid out as Kubernetes mounts Secrets and ConfigMaps, {@code <root>/<namespace>/<name>/<key>}: its
     * keys and contents, skipping dot names ({@code ..data}) and refusing links that leave the namespace.
     */
    static Optional<Map<String, byte[]>> readMounted(PathGuard guard, String namespace, String name, String kind)
            throws MoverException {
        Path dir = guard.resolve(namespace, name, kind);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Path nsDir = guard.namespaceDir(namespace);
        Map<String, byte[]> data = new TreeMap<>();
        try (DirectoryStream<Path> keys = Files.newDirectoryStream(dir)) {
            for (Path key : keys) {
                String field = key.getFileName().toString();
                if (field.startsWith(".") || !Files.isRegularFile(key)) {
                    continue;
                }
                PathGuard.checkInside(nsDir, key, "key " + field + " of " + kind + " \"" + name + "\"");
                data.put(field, Files.readAllBytes(key));
            }
        } catch (IOException e) {
            throw new MoverException("cannot read " + kind + " \"" + name + "\": " + e.getMessage(), e);
        }
        return Optional.of(data);
    }

    @Override
    public void create(String namespace, String name, Map<String, byte[]> data, Owner owner) throws MoverException {
        Path dir = guard.resolve(namespace, name, "Secret");
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path nsDir = guard.namespaceDir(namespace);
        try {
            Path staging = Files.createDirectories(nsDir.resolve(MetaStore.DIR).resolve("staging"));
            Path tmp = Files.createDirectory(staging.resolve(name + "-" + System.nanoTime()),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            for (Map.Entry<String, byte[]> entry : data.entrySet()) {
                Path file = Files.createFile(tmp.resolve(entry.getKey()),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, entry.getValue());
            }
            Map<String, String> meta = new TreeMap<>();
            meta.put(MetaStore.OWNER_UID, owner.uid());
            meta.put(MetaStore.OWNER_KIND, owner.kind());
            meta.put(MetaStore.OWNER_NAME, owner.name());
            meta.put("app.kubernetes.io/created-by", "volsync");
            MetaStore.write(nsDir, TYPE, name, meta);
            MetaStore.moveAtomically(tmp, dir);
        } catch (IOException e) {
            throw new MoverException("cannot create Secret \"" + name + "\": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String namespace, String name) throws MoverException {
        Path dir = guard.resolve(namespace, name, "Secret");
        Path nsDir = guard.namespaceDir(namespace);
        try {
            MetaStore.deleteTree(nsDir, dir);
            MetaStore.delete(nsDir, TYPE, name);
        } catch (IOException e) {
            throw new MoverException("cannot delete Secret \"" + name + "\": " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteOwned(Owner owner) throws MoverException {
        Path nsDir = guard.namespaceDir(owner.namespace());
        try {
            List<String> names = MetaStore.select(nsDir, TYPE, MetaStore.OWNER_UID, owner.uid());
            for (String name : names) {
                delete(owner.namespace(), name);
            }
        } catch (IOException e) {
            throw new MoverException("cannot delete the secrets of " + owner.name() + ": " + e.getMessage(), e);
        }
    }
}
