package dev.ferry.replication.mover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationSpec;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.RsyncTlsDestinationSpec;
import dev.ferry.replication.api.RsyncTlsSourceSpec;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.support.LocalCluster;
import dev.ferry.replication.support.Trees;

/**
 * rsync-tls with the real rsync and stunnel: a destination listens behind TLS with a pre-shared key, a source with
 * that key pushes through it; a source with another key is refused.
 */
class RsyncTlsMoverTest {

    private static final String NS = "team-a";

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

    static ReplicationDestination destination(String manual) {
        return LocalCluster.destination(NS, "backup", new ReplicationDestinationSpec(new TriggerSpec(null, manual),
                null, new RsyncTlsDestinationSpec("Snapshot", "1Gi", null, List.of("ReadWriteOnce"), null, null, null,
                        null, null, null, null, null, null),
                null, null, null, null));
    }

    static ReplicationSource source(String manual, String address, Integer port, String keySecret) {
        return LocalCluster.source(NS, "app", new ReplicationSourceSpec("data", new TriggerSpec(null, manual), null,
                new RsyncTlsSourceSpec("Clone", null, null, null, null, keySecret, address, port, null, null, null,
                        null),
                null, null, null, null, null));
    }

    static ReplicationDestination retrigger(ReplicationDestination rd, String manual) {
        var s = rd.spec();
        return new ReplicationDestination(rd.apiVersion(), rd.kind(), rd.metadata(), new ReplicationDestinationSpec(
                new TriggerSpec(null, manual), null, s.rsyncTLS(), null, null, null, null), rd.status());
    }

    static ReplicationSource retrigger(ReplicationSource rs, String manual) {
        var s = rs.spec();
        return new ReplicationSource(rs.apiVersion(), rs.kind(), rs.metadata(), new ReplicationSourceSpec(
                s.sourcePVC(), new TriggerSpec(null, manual), null, s.rsyncTLS(), null, null, null, null, null),
                rs.status());
    }

    private ReplicationDestination listening(String manual) {
        ReplicationDestination rd = destination(manual);
        cluster.reconcileUntil(rd, s -> rd.status().rsyncTLS != null && rd.status().rsyncTLS.address() != null
                && s.lastSyncStartTime != null, Duration.ofSeconds(10));
        return rd;
    }

    @Test
    void givenAListeningDestination_whenASourceWithItsKeyPushes_thenContentsPermissionsAndDeletionsMatch()
            throws Exception {
        Path data = cluster.pvc(NS, "data");
        Trees.populate(data, 7, 40, true);
        Files.writeString(data.resolve(".hidden"), "dotfiles too\n");
        Files.writeString(data.resolve("-dash"), "a name like an option\n");
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));

        ReplicationDestination rd = listening("first");
        Path received = base.resolve("volumes").resolve(NS).resolve("volsync-backup-dst");
        var receivedRootMode = Files.getPosixFilePermissions(received);
        assertThat(rd.status().rsyncTLS.address()).isEqualTo("127.0.0.1");
        assertThat(rd.status().rsyncTLS.keySecret()).isEqualTo("volsync-rsync-tls-backup");
        String psk = new String(cluster.secrets.get(NS, "volsync-rsync-tls-backup").orElseThrow().get("psk.txt"),
                StandardCharsets.UTF_8);
        assertThat(psk).as("VolSync's identity:key, 64 random bytes in hex").matches("volsync:[0-9a-f]{128}");

        // The user hands the destination's key to the source, as VolSync asks.
        ReplicationSource rs = source("first", rd.status().rsyncTLS.address(), rd.status().rsyncTLS.port(),
                rd.status().rsyncTLS.keySecret());
        cluster.reconcileBothUntil(rs, RsyncMoverTest::waitingForManual, rd, RsyncMoverTest::waitingForManual,
                Duration.ofSeconds(60));

        assertThat(rs.status().latestMoverStatus.result()).isEqualTo(MoverStatus.SUCCESSFUL);
        assertThat(rs.status().latestMoverStatus.logs()).contains("rsync completed in");
        assertThat(rd.status().latestMoverStatus.result()).isEqualTo(MoverStatus.SUCCESSFUL);
        assertThat(rs.status().rsyncTLS.keySecret()).as("the user's key: VolSync leaves the status alone").isNull();
        assertThat(Trees.describe(received)).isEqualTo(Trees.describe(data));
        assertThat(Files.getPosixFilePermissions(received)).as("the volume's entries are sent, as VolSync's /data/*: "
                + "the destination's root keeps its own mode").isEqualTo(receivedRootMode);
        assertThat(rd.status().latestMoverStatus.logs()).as("the daemon's own summary, as VolSync's destination logs")
                .containsPattern("sent \\d+ bytes\\s+received \\d+ bytes");
        assertThat(cluster.flushes()).as("what the destination received is flushed (VolSync's sync)")
                .containsOnly("-f " + received);
        assertThat(Trees.describe(cluster.volumes.snapshotPath(NS, rd.status().latestImage.name())))
                .isEqualTo(Trees.describe(data));
        long fullBytes = RsyncMoverTest.sentBytes(rs.status().latestMoverStatus);

        // A change, a deletion (VolSync's second, deleting pass) and an addition.
        byte[] changed = Files.readAllBytes(data.resolve("file-3.bin"));
        changed[5] ^= 0x33;
        Files.write(data.resolve("file-3.bin"), changed);
        Files.delete(data.resolve("a/file-4.bin"));
        Files.writeString(data.resolve("a/b/new.txt"), "new\n");
        ReplicationDestination rd2 = retrigger(rd, "second");
        ReplicationSource rs2 = retrigger(rs, "second");
        cluster.reconcileUntil(rd2, s -> s.lastSyncStartTime != null, Duration.ofSeconds(10));
        cluster.reconcileBothUntil(rs2, s -> "second".equals(s.lastManualSync) && RsyncMoverTest.waitingForManual(s),
                rd2, s -> "second".equals(s.lastManualSync) && RsyncMoverTest.waitingForManual(s),
                Duration.ofSeconds(60));

        assertThat(Trees.describe(received)).isEqualTo(Trees.describe(data));
        assertThat(received.resolve("a/file-4.bin")).doesNotExist();
        long incrementalBytes = RsyncMoverTest.sentBytes(rs2.status().latestMoverStatus);
        System.out.printf("rsync-tls bytes sent: full %d, after a change %d%n", fullBytes, incrementalBytes);
        assertThat(incrementalBytes).isLessThan(fullBytes / 10);
    }

    @Test
    void givenASourceWithAnotherKey_whenItPushes_thenTheHandshakeFailsAndNothingIsReceived() throws Exception {
        Path data = cluster.pvc(NS, "data");
        Trees.populate(data, 8, 3, false);
        ReplicationDestination rd = listening("once");

        // No keySecret: the source makes its own key, which the destination does not know.
        ReplicationSource rs = source("once", rd.status().rsyncTLS.address(), rd.status().rsyncTLS.port(), null);
        cluster.reconcileUntil(rs, s -> s.latestMoverStatus != null
                && MoverStatus.FAILED.equals(s.latestMoverStatus.result()), Duration.ofSeconds(60));

        assertThat(rs.status().rsyncTLS.keySecret()).isEqualTo("volsync-rsync-tls-app");
        assertThat(cluster.secrets.get(NS, "volsync-rsync-tls-app").orElseThrow().get("psk.txt"))
                .isNotEqualTo(cluster.secrets.get(NS, "volsync-rsync-tls-backup").orElseThrow().get("psk.txt"));
        assertThat(rs.status().latestMoverStatus.logs()).contains("Synchronization failed");
        assertThat(rs.status().lastSyncTime).isNull();
        try (var received = Files.list(base.resolve("volumes").resolve(NS).resolve("volsync-backup-dst"))) {
            assertThat(received.toList()).as("nothing got through").isEmpty();
        }
        assertThat(cluster.jobs.get(NS, "volsync-rsync-tls-dst-backup")).as("the destination still listens")
                .isPresent();
    }

    @Test
    void givenAKeySecretWithoutPskTxt_whenSynchronizing_thenTheConditionNamesTheMissingField() throws Exception {
        cluster.pvc(NS, "data");
        cluster.secret(NS, "my-key", Map.of("key.txt", "volsync:00"));
        ReplicationSource rs = source("once", "127.0.0.1", 8000, "my-key");
        cluster.reconciler.reconcile(rs);
        cluster.reconciler.reconcile(rs);
        assertThat(rs.status().synchronizing().orElseThrow().message()).isEqualTo("secret is missing field: psk.txt");
        ReplicationSource noSecret = source("once", "127.0.0.1", 8000, "absent");
        cluster.reconciler.reconcile(noSecret);
        cluster.reconciler.reconcile(noSecret);
        assertThat(noSecret.status().synchronizing().orElseThrow().message()).isEqualTo("secrets \"absent\" not found");
    }

    @Test
    void givenASourceWithoutAddress_whenSynchronizing_thenTheJobFailsAndTheStatusSaysWhy() throws Exception {
        cluster.pvc(NS, "data");
        ReplicationSource rs = source("once", null, null, null);
        cluster.reconcileUntil(rs, s -> s.latestMoverStatus != null
                && MoverStatus.FAILED.equals(s.latestMoverStatus.result()), Duration.ofSeconds(20));
        // VolSync's failure filter keeps rsync's lines and failures only, so its message is not among the logs.
        assertThat(rs.status().lastSyncTime).isNull();
        assertThat(cluster.jobs.get(NS, "volsync-rsync-tls-src-app")).as("deleted, to be created anew").isEmpty();
    }
}
