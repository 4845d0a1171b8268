package dev.ferry.replication.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.replication.api.RcloneSourceSpec;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationSpec;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.RsyncDestinationSpec;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.support.LocalCluster;

/** Paths never leave the roots, and an object reaches only its own namespace's volumes and secrets. */
class ConfinementTest {

    @TempDir
    Path base;
    @TempDir
    Path outside;
    LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(base);
        Files.writeString(outside.resolve("passwd"), "root:x:0:0\n");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    String errorOf(ReplicationSource rs) {
        cluster.reconciler.reconcile(rs);
        cluster.reconciler.reconcile(rs);
        return rs.status().synchronizing().orElseThrow().message();
    }

    static ReplicationSource rclone(String pvc, String secret) {
        return LocalCluster.source("team-a", "app", new ReplicationSourceSpec(pvc, null, null, null,
                new RcloneSourceSpec("Clone", null, null, null, null, secret, "s", "/p", null, null, null, null,
                        null),
                null, null, null, null));
    }

    @Test
    void givenAnRcloneSectionThatIsNoSectionOfTheSecret_whenSynchronizing_thenItIsRefusedAndNothingIsCopied()
            throws Exception {
        // Only the secret's remotes may be used: an on-the-fly remote would reach any path of this host, and a
        // connection string would override a remote's settings (its endpoint, with the secret's credentials).
        Files.writeString(cluster.pvc("team-a", "data").resolve("file"), "payload");
        cluster.secret("team-a", "creds", Map.of("rclone.conf", "[s]\ntype = local\n"));
        for (String section : List.of(":local", "s,copy_links=true", "s:", " s", "-s", "s ")) {
            ReplicationSource rs = LocalCluster.source("team-a", "app", new ReplicationSourceSpec("data", null, null,
                    null, new RcloneSourceSpec("Direct", null, null, null, null, "creds", section,
                            outside.resolve("copied").toString(), null, null, null, null, null),
                    null, null, null, null));
            assertThat(errorOf(rs)).as(section).isEqualTo("invalid Rclone config section name \"" + section
                    + "\": a section of the config secret is named with letters, digits, spaces and _-.+@ only");
            assertThat(cluster.jobs.get("team-a", "volsync-rclone-src-app")).as(section).isEmpty();
        }
        assertThat(outside.resolve("copied")).doesNotExist();
    }

    @Test
    void givenTraversingNames_whenResolved_thenTheyAreRefused() {
        for (String name : List.of("..", "../team-b/data", "/etc", "a/b", "data/../../x", ".volsync")) {
            assertThatThrownBy(() -> cluster.volumes.get("team-a", name)).as(name)
                    .isInstanceOf(MoverException.class).hasMessageContaining("invalid PersistentVolumeClaim name");
            assertThatThrownBy(() -> cluster.secrets.get("team-a", name)).as(name)
                    .isInstanceOf(MoverException.class).hasMessageContaining("invalid Secret name");
        }
        assertThatThrownBy(() -> cluster.volumes.get("../x", "data")).hasMessageContaining("invalid namespace");
    }

    @Test
    void givenATraversingSecretName_whenSynchronizing_thenTheConditionRefusesIt() throws Exception {
        cluster.pvc("team-a", "data");
        assertThat(errorOf(rclone("data", "../team-b/creds"))).startsWith("invalid Secret name \"../team-b/creds\"");
    }

    @Test
    void givenATraversingDestinationPvc_whenSynchronizing_thenTheConditionRefusesIt() {
        ReplicationDestination rd = LocalCluster.destination("team-a", "dst", new ReplicationDestinationSpec(null,
                new RsyncDestinationSpec("Direct", null, null, null, null, "/etc", null, null, null, null, null, null,
                        null, null, null, null),
                null, null, null, null, null));
        cluster.reconciler.reconcile(rd);
        cluster.reconciler.reconcile(rd);
        assertThat(rd.status().synchronizing().orElseThrow().message())
                .startsWith("invalid PersistentVolumeClaim name \"/etc\"");
    }

    @Test
    void givenAPvcThatIsALinkOutOfTheRoot_whenUsed_thenItIsRefused() throws Exception {
        Files.createDirectories(base.resolve("volumes/team-a"));
        Files.createSymbolicLink(base.resolve("volumes/team-a/data"), outside);
        cluster.secret("team-a", "creds", Map.of("rclone.conf", "[s]\ntype = local\n"));
        assertThat(errorOf(rclone("data", "creds")))
                .isEqualTo("refusing PersistentVolumeClaim \"data\": it leads outside its namespace");
        assertThat(Files.list(outside).toList()).containsExactly(outside.resolve("passwd"));
    }

    @Test
    void givenAPvcThatIsALinkIntoAnotherNamespace_whenUsed_thenItIsRefused() throws Exception {
        Path other = cluster.pvc("team-b", "data");
        Files.createDirectories(base.resolve("volumes/team-a"));
        Files.createSymbolicLink(base.resolve("volumes/team-a/data"), other);
        assertThatThrownBy(() -> cluster.volumes.get("team-a", "data"))
                .hasMessage("refusing PersistentVolumeClaim \"data\": it leads outside its namespace");
    }

    @Test
    void givenASecretKeyLinkedOutOfTheRoot_whenRead_thenItIsRefused() throws Exception {
        Path secret = Files.createDirectories(base.resolve("secrets/team-a/creds"));
        Files.createSymbolicLink(secret.resolve("rclone.conf"), outside.resolve("passwd"));
        assertThatThrownBy(() -> cluster.secrets.get("team-a", "creds"))
                .hasMessage("refusing key rclone.conf of Secret \"creds\": it leads outside its namespace");
    }

    @Test
    void givenASecretMountedTheKubernetesWay_whenRead_thenItsKeysAreFound() throws Exception {
        Path secret = Files.createDirectories(base.resolve("secrets/team-a/creds"));
        Path version = Files.createDirectories(secret.resolve("..2026_01_01_00_00_00.000"));
        Files.writeString(version.resolve("rclone.conf"), "[s]\n");
        Files.createSymbolicLink(secret.resolve("..data"), version.getFileName());
        Files.createSymbolicLink(secret.resolve("rclone.conf"), Path.of("..data/rclone.conf"));
        assertThat(cluster.secrets.get("team-a", "creds")).get().satisfies(data -> {
            assertThat(data).containsOnlyKeys("rclone.conf");
            assertThat(new String(data.get("rclone.conf"))).isEqualTo("[s]\n");
        });
    }

    @Test
    void givenASecretOnlyInAnotherNamespace_whenSynchronizing_thenItIsNotFound() throws Exception {
        cluster.pvc("team-a", "data");
        cluster.secret("team-b", "creds", Map.of("rclone.conf", "[s]\n"));
        assertThat(errorOf(rclone("data", "creds"))).isEqualTo("secrets \"creds\" not found");
    }

    @Test
    void givenAMissingSourcePvc_whenSynchronizing_thenKubernetesNotFoundIsShown() throws Exception {
        cluster.secret("team-a", "creds", Map.of("rclone.conf", "[s]\n"));
        assertThat(errorOf(rclone("nothing", "creds"))).isEqualTo("persistentvolumeclaims \"nothing\" not found");
    }

    @Test
    void givenAnUnknownCopyMethod_whenSynchronizing_thenVolSyncsMessageIsShown() throws Exception {
        cluster.pvc("team-a", "data");
        cluster.secret("team-a", "creds", Map.of("rclone.conf", "[s]\n"));
        ReplicationSource rs = LocalCluster.source("team-a", "app", new ReplicationSourceSpec("data", null, null,
                null, new RcloneSourceSpec("Teleport", null, null, null, null, "creds", "s", "/p", null, null, null,
                        null, null),
                null, null, null, null));
        assertThat(errorOf(rs)).isEqualTo("unsupported copyMethod: Teleport -- must be Direct, None, Clone, or Snapshot");
    }

    @Test
    void givenACloneOfAVolume_whenMade_thenItIsAPointInTimeCopyNamedVolsyncAndCleanedUpByItsOwner()
            throws Exception {
        Path data = cluster.pvc("team-a", "data");
        Files.writeString(data.resolve("f"), "v1");
        Owner owner = new Owner("ReplicationSource", "team-a", "app", "uid-1");
        Volume copy = cluster.volumes.ensurePvcFromSource(cluster.volumes.get("team-a", "data"), "volsync-app-src",
                "Clone", owner, true, java.time.Instant.now()).orElseThrow();
        Files.writeString(data.resolve("f"), "v2");
        Volume again = cluster.volumes.ensurePvcFromSource(cluster.volumes.get("team-a", "data"), "volsync-app-src",
                "Clone", owner, true, java.time.Instant.now()).orElseThrow();
        assertThat(again.path()).isEqualTo(copy.path());
        assertThat(Files.readString(copy.path().resolve("f"))).as("idempotent: the copy is not redone").isEqualTo("v1");
        cluster.volumes.cleanup(new Owner("ReplicationSource", "team-a", "other", "uid-2"));
        assertThat(copy.path()).exists();
        cluster.volumes.cleanup(owner);
        assertThat(copy.path()).doesNotExist();
        assertThat(Files.readString(data.resolve("f"))).isEqualTo("v2");
    }
}
