package dev.ferry.replication.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.replication.api.TypedLocalObjectReference;
import dev.ferry.replication.mover.MoverConstants;
import dev.ferry.replication.mover.MoverException;

class LocalVolumeBackendTest {

    static final String NS = "team-v";
    static final Owner OWNER = new Owner("ReplicationDestination", NS, "backup", "uid-rd");

    @TempDir
    Path root;

    LocalVolumeBackend volumes() {
        return new LocalVolumeBackend(root);
    }

    String image(LocalVolumeBackend volumes, Instant at) throws Exception {
        Volume pvc = volumes.ensureNewPvc(NS, "volsync-backup-dst", OWNER, "1Gi", java.util.List.of("ReadWriteOnce"));
        Files.writeString(pvc.path().resolve("data.txt"), "image at " + at);
        TypedLocalObjectReference image = volumes.ensureImage(pvc, "Snapshot", OWNER, at).orElseThrow();
        volumes.removeSnapshotAnnotation(NS, pvc.name());
        return image.name();
    }

    void labelByUser(String snapshot) throws Exception {
        Path nsDir = root.resolve(NS);
        Map<String, String> meta = MetaStore.read(nsDir, "snapshots", snapshot);
        meta.put(MoverConstants.LABEL_DO_NOT_DELETE, "true");
        MetaStore.write(nsDir, "snapshots", snapshot, meta);
    }

    @Test
    void givenASnapshotTheUserProtected_whenItsOwnerCleansUpOrIsDeleted_thenItStaysAndIsNoLongerOwned()
            throws Exception {
        LocalVolumeBackend volumes = volumes();
        String protectedImage = image(volumes, Instant.parse("2026-01-01T00:00:00Z"));
        String plainImage = image(volumes, Instant.parse("2026-01-01T00:01:00Z"));
        volumes.markSnapshotForCleanup(NS, protectedImage, OWNER);
        volumes.markSnapshotForCleanup(NS, plainImage, OWNER);
        labelByUser(protectedImage);

        volumes.cleanup(OWNER);
        assertThat(volumes.snapshotExists(NS, plainImage)).isFalse();
        assertThat(volumes.snapshotExists(NS, protectedImage)).isTrue();
        Map<String, String> meta = MetaStore.read(root.resolve(NS), "snapshots", protectedImage);
        assertThat(meta).containsEntry(MoverConstants.LABEL_DO_NOT_DELETE, "true")
                .doesNotContainKeys(MetaStore.OWNER_UID, MoverConstants.LABEL_CLEANUP, MoverConstants.LABEL_CREATED_BY);

        String laterProtected = image(volumes, Instant.parse("2026-01-01T00:02:00Z"));
        labelByUser(laterProtected);
        volumes.deleteOwned(OWNER);
        assertThat(volumes.snapshotExists(NS, laterProtected)).as("deleting the owner keeps it too").isTrue();
        assertThat(volumes.snapshotExists(NS, protectedImage)).isTrue();
        assertThat(volumes.find(NS, "volsync-backup-dst")).as("what it owned otherwise goes").isEmpty();
    }

    @Test
    void givenProtectedSnapshots_whenRelinquished_thenOnlyTheOwnersLoseTheirOwner() throws Exception {
        LocalVolumeBackend volumes = volumes();
        String mine = image(volumes, Instant.parse("2026-01-01T00:00:00Z"));
        String unprotected = image(volumes, Instant.parse("2026-01-01T00:01:00Z"));
        labelByUser(mine);

        volumes.relinquishProtectedSnapshots(OWNER);

        assertThat(MetaStore.read(root.resolve(NS), "snapshots", mine)).doesNotContainKey(MetaStore.OWNER_UID);
        assertThat(MetaStore.read(root.resolve(NS), "snapshots", unprotected))
                .containsEntry(MetaStore.OWNER_UID, OWNER.uid());
    }

    @Test
    void givenACopyThatFails_whenTheOwnerCleansUp_thenItsLabelsWereWrittenFirstAndCleanupFindsThem()
            throws Exception {
        LocalVolumeBackend volumes = volumes();
        Volume gone = new Volume(NS, "data", root.resolve(NS).resolve("data"));
        Owner source = new Owner("ReplicationSource", NS, "app", "uid-rs");
        assertThatThrownBy(() -> volumes.ensurePvcFromSource(gone, "volsync-app-src", "Clone", source, true,
                Instant.now()))
                .isInstanceOf(MoverException.class);
        assertThat(volumes.selectByLabel(NS, MoverConstants.LABEL_CLEANUP, source.uid()))
                .as("a copy in place is always labelled: the labels come first").containsExactly("volsync-app-src");
        volumes.cleanup(source);
        assertThat(volumes.selectByLabel(NS, MoverConstants.LABEL_CLEANUP, source.uid())).isEmpty();
    }

    @Test
    void givenAProvisionedVolume_whenItsSpecLosesCapacityOrAccessModes_thenTheNextPassSaysSoAsWhenCreating()
            throws Exception {
        LocalVolumeBackend volumes = volumes();
        volumes.ensureNewPvc(NS, "volsync-backup-dst", OWNER, "1Gi", java.util.List.of("ReadWriteOnce"));
        assertThatThrownBy(() -> volumes.ensureNewPvc(NS, "volsync-backup-dst", OWNER, null,
                java.util.List.of("ReadWriteOnce"))).hasMessage("capacity must be provided when destinationPVC is not");
        assertThatThrownBy(() -> volumes.ensureNewPvc(NS, "volsync-backup-dst", OWNER, "1Gi", java.util.List.of()))
                .hasMessage("accessModes must be provided when destinationPVC is not");
    }
    void annotate(String pvc, Map<String, String> annotations) throws Exception {
        Map<String, String> meta = MetaStore.read(root.resolve(NS), "pvc", pvc);
        meta.putAll(annotations);
        MetaStore.write(root.resolve(NS), "pvc", pvc, meta);
    }

    Map<String, String> annotations(String pvc) throws Exception {
        return MetaStore.read(root.resolve(NS), "pvc", pvc);
    }

    @Test
    void givenASourceUsingTheCopyTrigger_whenItsTriggerChanges_thenOnlyThenIsItCopiedAndTheCopyMarkedCompleted()
            throws Exception {
        LocalVolumeBackend volumes = volumes();
        Path data = Files.createDirectories(root.resolve(NS).resolve("data"));
        Files.writeString(data.resolve("f"), "v1");
        Volume source = volumes.get(NS, "data");
        Owner rs = new Owner("ReplicationSource", NS, "app", "uid-rs");
        annotate("data", Map.of("volsync.backube/use-copy-trigger", ""));
        Instant t0 = Instant.parse("2026-05-01T10:00:00Z");

        assertThat(volumes.ensurePvcFromSource(source, "volsync-app-src", "Snapshot", rs, true, t0))
                .as("no trigger yet: wait").isEmpty();
        assertThat(annotations("data")).containsEntry("volsync.backube/latest-copy-status", "WaitingForTrigger")
                .containsEntry("volsync.backube/latest-copy-trigger-waiting-since", "2026-05-01T10:00:00Z");
        assertThat(volumes.find(NS, "volsync-app-src")).isEmpty();

        annotate("data", Map.of("volsync.backube/copy-trigger", "quiesced-1"));
        Volume copy = volumes.ensurePvcFromSource(source, "volsync-app-src", "Snapshot", rs, true,
                t0.plusSeconds(30)).orElseThrow();
        assertThat(Files.readString(copy.path().resolve("f"))).isEqualTo("v1");
        assertThat(annotations("data")).containsEntry("volsync.backube/latest-copy-status", "Completed")
                .containsEntry("volsync.backube/latest-copy-trigger", "quiesced-1")
                .doesNotContainKey("volsync.backube/latest-copy-trigger-waiting-since");

        volumes.cleanup(rs);
        assertThat(volumes.ensurePvcFromSource(source, "volsync-app-src", "Snapshot", rs, true, t0.plusSeconds(60)))
                .as("the same trigger again: the next sync waits for a new one").isEmpty();
        assertThatThrownBy(() -> volumes.ensurePvcFromSource(source, "volsync-app-src", "Snapshot", rs, true,
                t0.plusSeconds(60).plus(java.time.Duration.ofMinutes(10)).plusSeconds(1)))
                .isInstanceOf(CopyTriggerTimeoutException.class)
                .hasMessage("Timed out waiting for copy-trigger to be modified for pvc data");
        assertThat(volumes.ensurePvcFromSource(source, "volsync-app-src", "Direct", rs, true, t0))
                .as("Direct works on the live volume: no trigger").contains(source);
    }
}
