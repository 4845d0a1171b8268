package dev.ferry.replication.mover.syncthing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.ReplicationSourceStatus;
import dev.ferry.replication.api.SyncthingPeer;
import dev.ferry.replication.api.SyncthingPeerStatus;
import dev.ferry.replication.api.SyncthingSpec;
import dev.ferry.replication.api.SyncthingStatus;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.support.LocalCluster;

/**
 * The Syncthing mover with the real Syncthing: two sources peered with each other share their volumes both ways
 * (contents, modes, deletions); the peers' errors are VolSync's; a Syncthing that dies is started again; a deleted
 * source leaves nothing running or behind.
 */
class SyncthingMoverTest {

    @TempDir
    Path base;
    LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(base);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    static ReplicationSource source(String namespace, List<SyncthingPeer> peers) {
        return LocalCluster.source(namespace, "share", spec(peers));
    }

    static ReplicationSourceSpec spec(List<SyncthingPeer> peers) {
        return new ReplicationSourceSpec("data", null, null, null, null, null, new SyncthingSpec(peers, null, null,
                null, null, null, null, null, null), null, null);
    }

    static ReplicationSource withPeers(ReplicationSource rs, List<SyncthingPeer> peers) {
        return new ReplicationSource(rs.apiVersion(), rs.kind(), rs.metadata(), spec(peers), rs.status());
    }

    static SyncthingStatus syncthing(ReplicationSource rs) {
        return ((ReplicationSourceStatus) rs.status()).syncthing;
    }

    /** A source whose Syncthing runs and has reported its ID and address. */
    private ReplicationSource running(String namespace) throws Exception {
        cluster.pvc(namespace, "data");
        ReplicationSource rs = source(namespace, List.of());
        List<String> reasons = new java.util.ArrayList<>();
        cluster.reconcileUntil(rs, s -> {
            s.synchronizing().ifPresent(c -> reasons.add(c.reason() + ": " + c.message()));
            return syncthing(rs) != null && syncthing(rs).id() != null;
        }, Duration.ofSeconds(60));
        assertThat(reasons).as("starting Syncthing (and restarting its API for the GUI's password) is no error")
                .allMatch(r -> r.startsWith("SyncInProgress"));
        return rs;
    }

    @Test
    void givenTwoSourcesPeeredWithEachOther_whenFilesChangeOnOne_thenTheOtherGetsContentsModesAndDeletions()
            throws Exception {
        ReplicationSource a = running("site-a");
        ReplicationSource b = running("site-b");
        assertThat(syncthing(a).address()).matches("tcp://127\\.0\\.0\\.1:\\d+");
        assertThat(syncthing(a).id()).matches("([A-Z2-7]{7}-){7}[A-Z2-7]{7}").isNotEqualTo(syncthing(b).id());
        assertThat(cluster.secrets.get("site-a", "volsync-share").orElseThrow()).containsKeys("apikey", "username",
                "password", "httpsCertPEM", "httpsKeyPEM");
        assertThat(cluster.volumesRoot.resolve("site-a/volsync-share-config/config.xml")).exists();
        assertThat(cluster.volumesRoot.resolve("site-a/data/.stignore")).hasContent("lost+found");

        ReplicationSource peeredA = withPeers(a, List.of(new SyncthingPeer(syncthing(b).address(),
                syncthing(b).id().toLowerCase().replace("-", ""), false)));
        ReplicationSource peeredB = withPeers(b, List.of(new SyncthingPeer(syncthing(a).address(), syncthing(a).id(),
                false)));
        cluster.reconcileBothUntil(peeredA, s -> connectedTo(peeredA, syncthing(b).id()), peeredB,
                s -> connectedTo(peeredB, syncthing(a).id()), Duration.ofSeconds(60));
        SyncthingPeerStatus seen = syncthing(peeredA).peers().get(0);
        assertThat(seen.id()).isEqualTo(syncthing(b).id());
        assertThat(seen.address()).startsWith("tcp://127.0.0.1:");

        Path dataA = cluster.volumesRoot.resolve("site-a/data");
        Path dataB = cluster.volumesRoot.resolve("site-b/data");
        Files.createDirectories(dataA.resolve("docs/nested"));
        byte[] payload = new byte[3 << 20];
        new java.util.Random(7).nextBytes(payload);
        Files.write(dataA.resolve("docs/nested/blob.bin"), payload);
        Files.writeString(dataA.resolve("docs/readme.txt"), "shared by syncthing\n");
        Files.setPosixFilePermissions(dataA.resolve("docs/readme.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(dataA.resolve("gone-soon.txt"), "delete me");
        scan(peeredA);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(dataB.resolve("docs/nested/blob.bin")).exists().hasBinaryContent(payload);
            assertThat(dataB.resolve("docs/readme.txt")).hasContent("shared by syncthing");
            assertThat(dataB.resolve("gone-soon.txt")).exists();
        });
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataB.resolve("docs/readme.txt"))))
                .isEqualTo("rw-r-----");

        Files.delete(dataA.resolve("gone-soon.txt"));
        Files.writeString(dataB.resolve("from-b.txt"), "the other way");
        scan(peeredA);
        scan(peeredB);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(dataB.resolve("gone-soon.txt")).doesNotExist();
            assertThat(dataA.resolve("from-b.txt")).hasContent("the other way");
        });
    }

    @Test
    void givenPeersThatRepeatAnIdOrNameItself_whenSynchronizing_thenTheConditionSaysSoAsVolSync() throws Exception {
        ReplicationSource rs = running("site-a");
        String id = syncthing(rs).id();
        String other = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD";
        ReplicationSource twice = withPeers(rs, List.of(new SyncthingPeer("tcp://127.0.0.1:1", other, false),
                new SyncthingPeer("tcp://127.0.0.1:2", other, true)));
        cluster.reconciler.reconcile(twice);
        assertThat(twice.status().synchronizing().orElseThrow().message())
                .isEqualTo("duplicate peer found in peer list: " + other);
        ReplicationSource twoWays = withPeers(rs, List.of(new SyncthingPeer("tcp://127.0.0.1:1", other, false),
                new SyncthingPeer("tcp://127.0.0.1:2", other.toLowerCase().replace("-", ""), false)));
        cluster.reconciler.reconcile(twoWays);
        assertThat(twoWays.status().synchronizing().orElseThrow().message()).as("one device written two ways")
                .isEqualTo("duplicate peer found in peer list: " + other.toLowerCase().replace("-", ""));
        ReplicationSource itself = withPeers(rs, List.of(new SyncthingPeer("tcp://127.0.0.1:1",
                id.toLowerCase(), false)));
        cluster.reconciler.reconcile(itself);
        assertThat(itself.status().synchronizing().orElseThrow().message())
                .isEqualTo("the peer list contains the node itself");
        ReplicationSource invalid = withPeers(rs, List.of(new SyncthingPeer("tcp://127.0.0.1:1", "NOT-AN-ID", false)));
        cluster.reconciler.reconcile(invalid);
        assertThat(invalid.status().synchronizing().orElseThrow().message())
                .isEqualTo("\"NOT-AN-ID\": device ID invalid: incorrect length");
    }

    @Test
    void givenARunningSyncthing_whenItIsKilled_thenItIsStartedAgainAndTheNextPassReachesIt() throws Exception {
        ReplicationSource rs = running("site-a");
        String id = syncthing(rs).id();
        List<Long> before = cluster.jobs.pids("site-a", "volsync-share");
        assertThat(before).isNotEmpty();
        before.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<Long> now = cluster.jobs.pids("site-a", "volsync-share");
            return !now.isEmpty() && now.stream().noneMatch(before::contains);
        });
        ((ReplicationSourceStatus) rs.status()).syncthing = SyncthingStatus.empty();
        cluster.reconcileUntil(rs, s -> syncthing(rs).id() != null, Duration.ofSeconds(60));
        assertThat(syncthing(rs).id()).isEqualTo(id);
    }

    @Test
    void givenARunningSyncthing_thenItIsTheProcessItsJobStarted_withoutAMonitorsChild() throws Exception {
        running("site-a");
        List<Long> pids = cluster.jobs.pids("site-a", "volsync-share");
        assertThat(pids).hasSize(1);
        ProcessHandle syncthing = ProcessHandle.of(pids.get(0)).orElseThrow();
        assertThat(syncthing.info().command().orElse("")).endsWith("syncthing");
        assertThat(syncthing.descendants().map(p -> p.info().commandLine().orElse(String.valueOf(p.pid()))).toList())
                .as("a process the parent-death signal would not reach when Ferry is killed").isEmpty();
    }

    @Test
    void givenASource_whenItIsDeleted_thenSyncthingStopsAndItsSecretAndConfigurationGo() throws Exception {
        ReplicationSource rs = running("site-a");
        int port = Integer.parseInt(syncthing(rs).address().replaceAll(".*:", ""));
        assertThat(listening(port)).isTrue();
        cluster.reconciler.finalizeDeleted(rs);
        await().atMost(Duration.ofSeconds(10)).until(() -> !listening(port));
        assertThat(cluster.jobs.get("site-a", "volsync-share")).isEmpty();
        assertThat(cluster.secrets.get("site-a", "volsync-share")).isEmpty();
        assertThat(cluster.volumesRoot.resolve("site-a/volsync-share-config")).doesNotExist();
        assertThat(cluster.volumesRoot.resolve("site-a/data/.stignore")).exists();
    }

    @Test
    void givenNoSyncthingToRun_whenSynchronizing_thenTheConditionSaysItIsNotRunningAndWhy() throws Exception {
        var d = LocalCluster.settings(true);
        try (LocalCluster missing = new LocalCluster(base.resolve("missing"), java.time.Clock.systemUTC(),
                new dev.ferry.replication.mover.MoverSettings(d.rsyncBinary(), d.rcloneBinary(), d.resticBinary(),
                        d.syncBinary(), d.bindAddress(), d.rsyncCompress(), d.rsyncSparse(), d.rsyncRetryDelay(),
                        d.rcloneChecksum(), d.logMaxBytes(), d.logDebug(), d.logTailLines(), d.stunnelBinary(),
                        "/nonexistent/syncthing", d.opensslBinary()))) {
            missing.pvc("site-a", "data");
            ReplicationSource rs = source("site-a", List.of());
            missing.reconcileUntil(rs, s -> s.synchronizing().map(c -> c.reason().equals("Error")).orElse(false),
                    Duration.ofSeconds(30));
            assertThat(rs.status().synchronizing().orElseThrow().message())
                    .startsWith("Syncthing is not running (started again after the job retry delay); its last words: ")
                    .contains("/nonexistent/syncthing");
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean connectedTo(ReplicationSource rs, String id) {
        SyncthingStatus status = syncthing(rs);
        return status != null && status.peers() != null
                && status.peers().stream().anyMatch(p -> p.id().equals(id) && p.connected());
    }

    /** Asks the source's Syncthing to look at its volume now rather than after its watcher's 10 s delay. */
    private void scan(ReplicationSource rs) throws Exception {
        api(rs).request("POST", "/rest/db/scan?folder=" + SyncthingScript.FOLDER_ID, null);
    }

    /** The source's Syncthing API, reached with what its secret holds now. */
    private SyncthingApi api(ReplicationSource rs) throws Exception {
        Map<String, byte[]> secret = cluster.secrets.get(rs.metadata().namespace(), "volsync-share").orElseThrow();
        var api = cluster.env.services().ensure(rs.metadata().namespace(), "volsync-share-api",
                JobMovers.owner(rs), null).orElseThrow();
        return new SyncthingApi("https://" + api.host() + ":" + api.port(),
                new String(secret.get("apikey"), StandardCharsets.UTF_8), secret.get("httpsCertPEM"));
    }

    private com.fasterxml.jackson.databind.JsonNode folderStatus(ReplicationSource rs) throws Exception {
        return api(rs).request("GET", "/rest/db/status?folder=" + SyncthingScript.FOLDER_ID, null);
    }

    private static List<String> deviceIds(com.fasterxml.jackson.databind.JsonNode config) {
        List<String> ids = new java.util.ArrayList<>();
        config.path("devices").forEach(d -> ids.add(d.path("deviceID").asText()));
        return ids;
    }

    @Test
    void givenPeersSetThenRemoved_whenPassesRun_thenTheDevicesFollowAndTheGuiIsLockedAndASteadyPassChangesNothing()
            throws Exception {
        ReplicationSource rs = running("site-a");
        String id = syncthing(rs).id();
        var config = api(rs).request("GET", "/rest/config", null);
        assertThat(config.path("gui").path("user").asText()).isEqualTo("syncthing");
        assertThat(config.path("gui").path("password").asText()).as("set (Syncthing keeps its hash)").isNotEmpty();
        assertThat(deviceIds(config)).containsExactly(id);

        String other = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD";
        ReplicationSource peered = withPeers(rs, List.of(new SyncthingPeer("tcp://127.0.0.1:1", other, false)));
        cluster.reconcileUntil(peered, s -> syncthing(peered).peers() != null && !syncthing(peered).peers().isEmpty(),
                Duration.ofSeconds(30));
        config = api(rs).request("GET", "/rest/config", null);
        assertThat(deviceIds(config)).containsExactlyInAnyOrder(id, other);
        assertThat(config.path("folders").get(0).path("devices").findValuesAsText("deviceID"))
                .containsExactlyInAnyOrder(id, other);
        SyncthingStatus before = syncthing(peered);
        cluster.reconciler.reconcile(peered);
        assertThat(syncthing(peered)).as("a steady pass leaves the status as it was").isEqualTo(before);

        ReplicationSource alone = withPeers(peered, List.of());
        cluster.reconcileUntil(alone, s -> syncthing(alone).peers() == null || syncthing(alone).peers().isEmpty(),
                Duration.ofSeconds(30));
        assertThat(deviceIds(api(rs).request("GET", "/rest/config", null))).containsExactly(id);
    }

    @Test
    void givenSyncthingStoppedCleanly_whenThePassRuns_thenItIsStartedAgain() throws Exception {
        ReplicationSource rs = running("site-a");
        List<Long> before = cluster.jobs.pids("site-a", "volsync-share");
        // SIGTERM: Syncthing shuts down and exits 0, which ends a Job, not a Deployment.
        before.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.jobs.pids("site-a", "volsync-share").isEmpty());
        cluster.reconcileUntil(rs, s -> {
            List<Long> now = cluster.jobs.pids("site-a", "volsync-share");
            return !now.isEmpty() && now.stream().noneMatch(before::contains)
                    && s.synchronizing().map(c -> c.reason().equals("SyncInProgress")).orElse(false);
        }, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                api(rs).request("GET", "/rest/system/status", null).path("myID").asText()).isEqualTo(syncthing(rs).id()));
    }

    @Test
    void givenAnotherSourcePvc_orItsSecretMadeAnew_whenThePassRuns_thenSyncthingFollows() throws Exception {
        ReplicationSource rs = running("site-a");
        Files.writeString(cluster.volumesRoot.resolve("site-a/data/kept.txt"), "kept");
        scan(rs);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> folderStatus(rs).path("localFiles")
                .asInt() == 1);
        cluster.pvc("site-a", "data2");
        ReplicationSource moved = new ReplicationSource(rs.apiVersion(), rs.kind(), rs.metadata(),
                new ReplicationSourceSpec("data2", null, null, null, null, null, rs.spec().syncthing(), null, null),
                rs.status());
        cluster.reconcileUntil(moved, s -> {
            try {
                return api(moved).request("GET", "/rest/config", null).path("folders").get(0).path("path").asText()
                        .equals(cluster.volumesRoot.resolve("site-a/data2").toString());
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(60));

        byte[] oldCert = cluster.secrets.get("site-a", "volsync-share").orElseThrow().get("httpsCertPEM");
        // An empty volume in place of the one shared: Syncthing's marker guard stops it deleting the peers' files.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> folderStatus(moved).path("error")
                .asText().startsWith("folder marker missing"));
        String oldPasswordHash = api(moved).request("GET", "/rest/config", null).path("gui").path("password").asText();
        cluster.secrets.delete("site-a", "volsync-share");
        cluster.reconcileUntil(moved, s -> {
            try {
                return api(moved).request("GET", "/rest/system/status", null).has("myID");
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(60));
        assertThat(cluster.secrets.get("site-a", "volsync-share").orElseThrow().get("httpsCertPEM"))
                .isNotEqualTo(oldCert);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            cluster.reconciler.reconcile(moved);
            assertThat(api(moved).request("GET", "/rest/config", null).path("gui").path("password").asText())
                    .as("the new secret's password, hashed").isNotEmpty().isNotEqualTo(oldPasswordHash);
        });
    }
}
