package dev.ferry.replication.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.ferry.replication.api.TypedLocalObjectReference;
import dev.ferry.replication.mover.MoverConstants;
import dev.ferry.replication.mover.MoverException;

/**
 * PVCs as directories {@code <root>/<namespace>/<pvc>}, volume snapshots as read-only copies under
 * {@code <root>/<namespace>/.volsync/snapshots/<name>}. Clone and Snapshot copies are made with
 * {@code cp -a --reflink=auto} (a reflink where the filesystem offers it, a full copy otherwise) into a staging
 * directory that is flushed to disk and renamed into place, so a copy is either complete or absent.
 */
public final class LocalVolumeBackend implements VolumeBackend {

    private static final String PVC = "pvc";
    private static final String SNAPSHOT = "snapshots";
    private static final DateTimeFormatter SNAP_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);

    private final PathGuard guard;

    public LocalVolumeBackend(Path root) {
        this.guard = new PathGuard(root);
    }

    public Path root() {
        return guard.root();
    }

    @Override
    public Volume get(String namespace, String name) throws MoverException {
        return find(namespace, name).orElseThrow(
                () -> new MoverException("persistentvolumeclaims \"" + name + "\" not found"));
    }

    @Override
    public Optional<Volume> find(String namespace, String name) throws MoverException {
        Path path = guard.resolve(namespace, name, "PersistentVolumeClaim");
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(path) && Files.isDirectory(path)) {
                return Optional.of(new Volume(namespace, name, path));
            }
            return Optional.empty();
        }
        return Optional.of(new Volume(namespace, name, path));
    }

    @Override
    public Optional<Volume> ensurePvcFromSource(Volume source, String name, String copyMethod, Owner owner,
            boolean temporary, Instant now) throws MoverException {
        CopyMethod method = CopyMethod.parse(copyMethod).orElseThrow(() -> new MoverException(
                "unsupported copyMethod: " + (copyMethod == null ? "" : copyMethod)
                        + " -- must be Direct, None, Clone, or Snapshot"));
        if (method == CopyMethod.DIRECT) {
            return Optional.of(source);
        }
        Path target = guard.resolve(source.namespace(), name, "PersistentVolumeClaim");
        Path nsDir = guard.namespaceDir(source.namespace());
        try {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                if (!CopyTrigger.mayCopy(nsDir, source.name(), now)) {
                    return Optional.empty();
                }
                Map<String, String> meta = ownerLabels(owner);
                if (temporary) {
                    meta.put(MoverConstants.LABEL_CLEANUP, owner.uid());
                }
                meta.put("dataSource", source.name());
                meta.put("copyMethod", method.name());
                // Labels first: a copy that is in place is always one its owner's Cleanup finds.
                MetaStore.write(nsDir, PVC, name, meta);
                copyTree(nsDir, source.path(), target);
                CopyTrigger.completed(nsDir, source.name());
            }
            return Optional.of(new Volume(source.namespace(), name, target));
        } catch (IOException e) {
            throw new MoverException("cannot make a point-in-time copy of PersistentVolumeClaim/" + source.name()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Volume ensureNewPvc(String namespace, String name, Owner owner, String capacity,
            List<String> accessModes) throws MoverException {
        Path target = guard.resolve(namespace, name, "PersistentVolumeClaim");
        // Checked on every pass, as VolSync does, not only when the volume is created.
        if (accessModes == null || accessModes.isEmpty()) {
            throw new MoverException("accessModes must be provided when destinationPVC is not");
        }
        if (capacity == null || capacity.isEmpty()) {
            throw new MoverException("capacity must be provided when destinationPVC is not");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return new Volume(namespace, name, target);
        }
        Path nsDir = guard.namespaceDir(namespace);
        try {
            Files.createDirectories(target);
            Map<String, String> meta = ownerLabels(owner);
            meta.put("capacity", capacity);
            meta.put("accessModes", String.join(",", accessModes));
            MetaStore.write(nsDir, PVC, name, meta);
            return new Volume(namespace, name, target);
        } catch (IOException e) {
            throw new MoverException("cannot create PersistentVolumeClaim/" + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<TypedLocalObjectReference> ensureImage(Volume pvc, String copyMethod, Owner owner, Instant now)
            throws MoverException {
        CopyMethod method = CopyMethod.parse(copyMethod).orElse(null);
        if (method == CopyMethod.DIRECT) {
            return Optional.of(TypedLocalObjectReference.pvc(pvc.name()));
        }
        if (method != CopyMethod.SNAPSHOT) {
            throw new MoverException("unsupported copyMethod: " + (copyMethod == null ? "" : copyMethod)
                    + " -- must be Direct, None, or Snapshot");
        }
        Path nsDir = guard.namespaceDir(pvc.namespace());
        try {
            Map<String, String> pvcMeta = MetaStore.read(nsDir, PVC, pvc.name());
            String snapName = pvcMeta.get(MoverConstants.ANNOTATION_SNAPNAME);
            if (snapName == null) {
                // Pinned on the PVC so that retries reuse it; a second sync within the same second must not take
                // the earlier image for its own, so an existing name gets a counter.
                String base = pvc.name() + "-" + SNAP_SUFFIX.format(now);
                snapName = base;
                for (int i = 1; Files.exists(snapshotDir(nsDir).resolve(snapName), LinkOption.NOFOLLOW_LINKS); i++) {
                    snapName = base + "-" + i;
                }
                pvcMeta.put(MoverConstants.ANNOTATION_SNAPNAME, snapName);
                MetaStore.write(nsDir, PVC, pvc.name(), pvcMeta);
            }
            Path snapshot = snapshotDir(nsDir).resolve(snapName);
            if (!Files.isDirectory(snapshot, LinkOption.NOFOLLOW_LINKS)) {
                Map<String, String> meta = ownerLabels(owner);
                meta.put("source", pvc.name());
                MetaStore.write(nsDir, SNAPSHOT, snapName, meta);
                copyTree(nsDir, pvc.path(), snapshot);
            }
            return Optional.of(TypedLocalObjectReference.volumeSnapshot(snapName));
        } catch (IOException e) {
            throw new MoverException("cannot snapshot PersistentVolumeClaim/" + pvc.name() + ": " + e.getMessage(),
                    e);
        }
    }

    /** Where a snapshot's files are (for reading a destination image back). */
    public Path snapshotPath(String namespace, String name) throws MoverException {
        guard.resolve(namespace, name, "VolumeSnapshot");
        return snapshotDir(guard.namespaceDir(namespace)).resolve(name);
    }

    @Override
    public boolean snapshotExists(String namespace, String name) throws MoverException {
        return Files.isDirectory(snapshotPath(namespace, name), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void markSnapshotForCleanup(String namespace, String name, Owner owner) throws MoverException {
        Path nsDir = guard.namespaceDir(namespace);
        try {
            if (!snapshotExists(namespace, name)) {
                return;
            }
            Map<String, String> meta = MetaStore.read(nsDir, SNAPSHOT, name);
            if (meta.containsKey(MoverConstants.LABEL_DO_NOT_DELETE)) {
                return;
            }
            meta.put(MoverConstants.LABEL_CLEANUP, owner.uid());
            MetaStore.write(nsDir, SNAPSHOT, name, meta);
        } catch (IOException e) {
            throw new MoverException("cannot label VolumeSnapshot/" + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void removeSnapshotAnnotation(String namespace, String pvcName) throws MoverException {
        Path nsDir = guard.namespaceDir(namespace);
        guard.resolve(namespace, pvcName, "PersistentVolumeClaim");
        try {
            Map<String, String> meta = MetaStore.read(nsDir, PVC, pvcName);
            if (meta.remove(MoverConstants.ANNOTATION_SNAPNAME) != null) {
                MetaStore.write(nsDir, PVC, pvcName, meta);
            }
        } catch (IOException e) {
            throw new MoverException("cannot update PersistentVolumeClaim/" + pvcName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void cleanup(Owner owner) throws MoverException {
        deleteSelected(owner.namespace(), MoverConstants.LABEL_CLEANUP, owner.uid());
    }

    @Override
    public void deleteOwned(Owner owner) throws MoverException {
        deleteSelected(owner.namespace(), MetaStore.OWNER_UID, owner.uid());
    }

    private void deleteSelected(String namespace, String key, String value) throws MoverException {
        Path nsDir = guard.namespaceDir(namespace);
        try {
            for (String name : MetaStore.select(nsDir, PVC, key, value)) {
                MetaStore.deleteTree(nsDir, nsDir.resolve(name));
                MetaStore.delete(nsDir, PVC, name);
            }
            for (String name : relinquishProtected(nsDir, key, value)) {
                MetaStore.deleteTree(nsDir, snapshotDir(nsDir).resolve(name));
                MetaStore.delete(nsDir, SNAPSHOT, name);
            }
        } catch (IOException e) {
            throw new MoverException("cannot clean up in namespace " + namespace + ": " + e.getMessage(), e);
        }
    }

    /**
     * VolSync's relinquish, for the snapshots labelled {@code key=value}: those the user labelled
     * {@code volsync.backube/do-not-delete} keep their files and lose their owner, cleanup and created-by labels, so
     * no Cleanup or owner deletion ever takes them. Returns the other snapshots so labelled.
     */
    private static List<String> relinquishProtected(Path nsDir, String key, String value) throws IOException {
        List<String> others = new ArrayList<>();
        for (String name : MetaStore.select(nsDir, SNAPSHOT, key, value)) {
            Map<String, String> meta = MetaStore.read(nsDir, SNAPSHOT, name);
            if (!meta.containsKey(MoverConstants.LABEL_DO_NOT_DELETE)) {
                others.add(name);
                continue;
            }
            for (String label : List.of(MetaStore.OWNER_UID, MetaStore.OWNER_KIND, MetaStore.OWNER_NAME,
                    MoverConstants.LABEL_CLEANUP, MoverConstants.LABEL_CREATED_BY)) {
                meta.remove(label);
            }
            MetaStore.write(nsDir, SNAPSHOT, name, meta);
        }
        return others;
    }

    @Override
    public void relinquishProtectedSnapshots(Owner owner) throws MoverException {
        try {
            relinquishProtected(guard.namespaceDir(owner.namespace()), MetaStore.OWNER_UID, owner.uid());
        } catch (IOException e) {
            throw new MoverException("cannot relinquish the snapshots of " + owner.name() + ": " + e.getMessage(), e);
        }
    }

    /** Names of the PVCs and snapshots carrying a label, for tests and diagnostics. */
    public List<String> selectByLabel(String namespace, String key, String value) throws MoverException {
        Path nsDir = guard.namespaceDir(namespace);
        try {
            List<String> names = new ArrayList<>(MetaStore.select(nsDir, PVC, key, value));
            MetaStore.select(nsDir, SNAPSHOT, key, value).forEach(n -> names.add("snapshot/" + n));
            return names;
        } catch (IOException e) {
            throw new MoverException(e.getMessage(), e);
        }
    }

    private static Path snapshotDir(Path nsDir) throws MoverException {
        try {
            return Files.createDirectories(nsDir.resolve(MetaStore.DIR).resolve(SNAPSHOT));
        } catch (IOException e) {
            throw new MoverException("cannot create the snapshot directory: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> ownerLabels(Owner owner) {
        Map<String, String> meta = new TreeMap<>();
        meta.put(MoverConstants.LABEL_CREATED_BY, "volsync");
        meta.put(MetaStore.OWNER_UID, owner.uid());
        meta.put(MetaStore.OWNER_KIND, owner.kind());
        meta.put(MetaStore.OWNER_NAME, owner.name());
        return meta;
    }

    /** Copies {@code from} to {@code to} through a staging directory renamed into place. */
    private static void copyTree(Path nsDir, Path from, Path to) throws IOException {
        Path staging = Files.createDirectories(nsDir.resolve(MetaStore.DIR).resolve("staging"));
        Path tmp = staging.resolve(to.getFileName() + "-" + System.nanoTime());
        Processes.run(List.of("cp", "-a", "--reflink=auto", "--", from.toString(), tmp.toString()),
                "copy " + from.getFileName());
        // On disk before the rename, or a power loss could leave a complete-looking copy with holes in it.
        Processes.run(List.of("sync", "-f", tmp.toString()), "flush the copy of " + from.getFileName());
        MetaStore.moveAtomically(tmp, to);
    }
}
