package dev.ferry.replication.mover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationSpec;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.api.RsyncDestinationSpec;
import dev.ferry.replication.api.RsyncSourceSpec;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.reconcile.StateMachine;
import dev.ferry.replication.support.LocalCluster;
import dev.ferry.replication.support.Trees;

/** Given a source volume and an rsync destination listening on loopback, the real rsync replicates it exactly. */
class RsyncMoverTest {

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
                new RsyncDestinationSpec("Snapshot", "1Gi", null, List.of("ReadWriteOnce"), null, null, null, null,
                        null, null, null, null, null, null, null, null),
                null, null, null, null, null));
    }

    static ReplicationSource source(String manual, String address, Integer port, String keys) {
        return LocalCluster.source(NS, "app", new ReplicationSourceSpec("data", new TriggerSpec(null, manual),
                new RsyncSourceSpec("Clone", null, null, null, null, keys, null, address, port, null, null, null,
                        null, null),
                null, null, null, null, null, null));
    }

    static boolean waitingForManual(ReplicationStatus status) {
        return status.lastSyncTime != null && status.synchronizing()
                .filter(c -> StateMachine.REASON_WAITING_FOR_MANUAL.equals(c.reason())).isPresent();
    }

    static ReplicationDestination retrigger(ReplicationDestination rd, String manual) {
        var s = rd.spec();
        return new ReplicationDestination(rd.apiVersion(), rd.kind(), rd.metadata(), new ReplicationDestinationSpec(
                new TriggerSpec(null, manual), s.rsync(), null, null, null, null, null), rd.status());
    }

    static ReplicationSource retrigger(ReplicationSource rs, String manual) {
        var s = rs.spec();
        return new ReplicationSource(rs.apiVersion(), rs.kind(), rs.metadata(), new ReplicationSourceSpec(
                s.sourcePVC(), new TriggerSpec(null, manual), s.rsync(), null, null, null, null, null, null),
                rs.status());
    }

    /** Bytes the source sent, from rsync's "sent N bytes" summary in latestMoverStatus (units of 1000 with -h). */
    static long sentBytes(MoverStatus status) {
        Matcher m = Pattern.compile("sent ([0-9.,]+)([KMGT]?) bytes").matcher(status.logs());
        assertThat(m.find()).as("rsync summary in %s", status.logs()).isTrue();
        double value = Double.parseDouble(m.group(1).replace(",", ""));
        int power = " KMGT".indexOf(m.group(2).isEmpty() ? " " : m.group(2));
        return (long) (value * Math.pow(1000, power));
    }

    @Test
    void givenAListeningDestination_whenTheSourceSyncs_thenContentsPermissionsAndDeletionsMatchAndOnlyChangesMove()
            throws Exception {
        Path data = cluster.pvc(NS, "data");
        Trees.populate(data, 1, 60, true);

        ReplicationDestination rd = destination("first");
        cluster.reconcileUntil(rd, s -> rd.status().rsync != null && rd.status().rsync.address() != null
                && s.lastSyncStartTime != null, Duration.ofSeconds(10));
        assertThat(rd.status().rsync.address()).isEqualTo("127.0.0.1");
        assertThat(rd.status().rsync.sshKeys()).isEqualTo("volsync-rsync-dst-src-backup");
        assertThat(cluster.secrets.get(NS, "volsync-rsync-dst-src-backup")).get()
                .extracting(Map::keySet).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.COLLECTION)
                .containsExactlyInAnyOrder("source", "source.pub", "destination.pub");

        ReplicationSource rs = source("first", rd.status().rsync.address(), rd.status().rsync.port(),
                rd.status().rsync.sshKeys());
        cluster.reconcileBothUntil(rs, RsyncMoverTest::waitingForManual, rd, RsyncMoverTest::waitingForManual,
                Duration.ofSeconds(60));

        assertThat(rs.status().latestMoverStatus.result()).isEqualTo(MoverStatus.SUCCESSFUL);
        assertThat(rd.status().latestMoverStatus.result()).isEqualTo(MoverStatus.SUCCESSFUL);
        assertThat(rs.status().rsync == null ? null : rs.status().rsync.sshKeys())
                .as("the user's keys: nothing to hand to the peer, as in VolSync").isNull();
        Path received = base.resolve("volumes").resolve(NS).resolve("volsync-backup-dst");
        assertThat(Trees.describe(received)).isEqualTo(Trees.describe(data));
        assertThat(cluster.flushes()).as("what the destination received is flushed to disk (VolSync's sync)")
                .containsOnly("-f " + received);
        assertThat(rd.status().latestImage.kind()).isEqualTo("VolumeSnapshot");
        assertThat(rd.status().latestImage.name()).startsWith("volsync-backup-dst-");
        Path image = cluster.volumes.snapshotPath(NS, rd.status().latestImage.name());
        assertThat(Trees.describe(image)).isEqualTo(Trees.describe(data));
        assertThat(cluster.volumes.find(NS, "volsync-app-src")).as("the clone is cleaned up").isEmpty();
        long fullBytes = sentBytes(rs.status().latestMoverStatus);

        // 1% change: one file rewritten in part, one deleted, one added
        byte[] changed = Files.readAllBytes(data.resolve("file-3.bin"));
        changed[10] ^= 0x55;
        Files.write(data.resolve("file-3.bin"), changed);
        Files.delete(data.resolve("a/file-4.bin"));
        Files.writeString(data.resolve("a/b/new.txt"), "new\n");
        String firstImage = rd.status().latestImage.name();

        ReplicationDestination rd2 = retrigger(rd, "second");
        ReplicationSource rs2 = retrigger(rs, "second");
        cluster.reconcileUntil(rd2, s -> s.lastSyncStartTime != null, Duration.ofSeconds(10));
        cluster.reconcileBothUntil(rs2, s -> "second".equals(s.lastManualSync) && waitingForManual(s), rd2,
                s -> "second".equals(s.lastManualSync) && waitingForManual(s), Duration.ofSeconds(60));

        assertThat(Trees.describe(received)).isEqualTo(Trees.describe(data));
        assertThat(received.resolve("a/file-4.bin")).doesNotExist();
        long incrementalBytes = sentBytes(rs2.status().latestMoverStatus);
        System.out.printf("rsync bytes sent: full %d, after a 1%% change %d%n", fullBytes, incrementalBytes);
        assertThat(incrementalBytes).isLessThan(fullBytes / 10);
        assertThat(rd2.status().latestImage.name()).isNotEqualTo(firstImage);
        assertThat(cluster.volumes.snapshotExists(NS, firstImage)).as("superseded image cleaned up").isFalse();
        assertThat(cluster.metrics.durations.get(NS + "/app/source")).hasSize(2);
        assertThat(cluster.metrics.outOfSync.get(NS + "/app/source")).isFalse();
    }

    @Test
    void givenASourceWhoseRsyncIsKilledMidSync_whenReconciledAgain_thenTheSyncRecovers() throws Exception {
        Path data = cluster.pvc(NS, "data");
        Trees.populate(data, 2, 30, true);
        Files.write(data.resolve("big.bin"), new byte[64 * 1024 * 1024]);
        ReplicationDestination rd = destination("once");
        cluster.reconcileUntil(rd, s -> s.lastSyncStartTime != null && rd.status().rsync.address() != null,
                Duration.ofSeconds(10));
        ReplicationSource rs = source("once", rd.status().rsync.address(), rd.status().rsync.port(),
                rd.status().rsync.sshKeys());
        cluster.reconcileUntil(rs, s -> !cluster.jobs.pids(NS, "volsync-rsync-src-app").isEmpty(),
                Duration.ofSeconds(10));
        for (long pid : cluster.jobs.pids(NS, "volsync-rsync-src-app")) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
        }
        cluster.reconcileBothUntil(rs, RsyncMoverTest::waitingForManual, rd, RsyncMoverTest::waitingForManual,
                Duration.ofSeconds(60));
        assertThat(Trees.describe(base.resolve("volumes").resolve(NS).resolve("volsync-backup-dst")))
                .isEqualTo(Trees.describe(data));
    }

    static ReplicationDestination withPort(ReplicationDestination rd, int port) {
        var r = rd.spec().rsync();
        return new ReplicationDestination(rd.apiVersion(), rd.kind(), rd.metadata(), new ReplicationDestinationSpec(
                rd.spec().trigger(), new RsyncDestinationSpec(r.copyMethod(), r.capacity(), r.storageClassName(),
                        r.accessModes(), r.volumeSnapshotClassName(), r.destinationPVC(), r.sshKeys(),
                        r.serviceType(), null, port, r.path(), r.sshUser(), null, null, null, null),
                null, null, null, null, null), rd.status());
    }

    @Test
    void givenAWaitingDestination_whenItsPortChanges_thenItsDaemonMovesThereAndASourceSyncsThroughIt()
            throws Exception {
        Path data = cluster.pvc(NS, "data");
        Trees.populate(data, 3, 10, false);
        ReplicationDestination rd = destination("once");
        cluster.reconcileUntil(rd, s -> s.lastSyncStartTime != null && rd.status().rsync.address() != null,
                Duration.ofSeconds(10));
        int firstPort = rd.status().rsync.port();
        int newPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            newPort = probe.getLocalPort();
        }

        ReplicationDestination moved = withPort(rd, newPort);
        cluster.reconcileUntil(moved, s -> moved.status().rsync != null
                && Integer.valueOf(newPort).equals(moved.status().rsync.port())
                && !cluster.jobs.pids(NS, "volsync-rsync-dst-backup").isEmpty(), Duration.ofSeconds(20));
        assertThat(newPort).isNotEqualTo(firstPort);
        ReplicationSource rs = source("once", moved.status().rsync.address(), newPort, moved.status().rsync.sshKeys());
        cluster.reconcileBothUntil(rs, RsyncMoverTest::waitingForManual, moved, RsyncMoverTest::waitingForManual,
                Duration.ofSeconds(60));
        assertThat(Trees.describe(base.resolve("volumes").resolve(NS).resolve("volsync-backup-dst")))
                .isEqualTo(Trees.describe(data));
    }

    @Test
    void givenADestinationWaitingForItsSource_whileNothingArrives_thenItFlushesNothing() throws Exception {
        new ProcessBuilder("sync").start().waitFor();
        ReplicationDestination rd = destination("once");
        cluster.reconcileUntil(rd, s -> s.lastSyncStartTime != null && rd.status().rsync.address() != null
                && !cluster.jobs.pids(NS, "volsync-rsync-dst-backup").isEmpty(), Duration.ofSeconds(10));
        Thread.sleep(1500);
        assertThat(cluster.jobs.pids(NS, "volsync-rsync-dst-backup")).as("still waiting").isNotEmpty();
        assertThat(cluster.flushes()).as("no data waiting to be written: no flush").isEmpty();
    }

    @Test
    void givenACompletionSignalThatFails_whenTheSourceHasPushed_thenItsJobFailsRatherThanReportingASync()
            throws Exception {
        Path tools = java.nio.file.Files.createDirectories(base.resolve("failing-signal"));
        Path rsync = tools.resolve("rsync");
        java.nio.file.Files.writeString(rsync, "#!/bin/sh\ncase \"$*\" in *control/complete*) exit 10;; esac\n"
                + "exec rsync \"$@\"\n");
        rsync.toFile().setExecutable(true);
        cluster.close();
        var d = LocalCluster.settings(true);
        cluster = new LocalCluster(base.resolve("c2"), java.time.Clock.systemUTC(), new MoverSettings(
                rsync.toString(), d.rcloneBinary(), d.resticBinary(), d.syncBinary(), d.bindAddress(),
                d.rsyncCompress(), d.rsyncSparse(), d.rsyncRetryDelay(), d.rcloneChecksum(), d.logMaxBytes(),
                d.logDebug(), d.logTailLines(), d.stunnelBinary(), d.syncthingBinary(), d.opensslBinary()));
        Path data = cluster.pvc(NS, "data");
        Trees.populate(data, 4, 5, false);
        ReplicationDestination rd = destination("once");
        cluster.reconcileUntil(rd, s -> s.lastSyncStartTime != null && rd.status().rsync.address() != null,
                Duration.ofSeconds(10));
        ReplicationSource rs = source("once", rd.status().rsync.address(), rd.status().rsync.port(),
                rd.status().rsync.sshKeys());
        cluster.reconcileUntil(rs, s -> s.latestMoverStatus != null
                && MoverStatus.FAILED.equals(s.latestMoverStatus.result()), Duration.ofSeconds(60));
        assertThat(rs.status().latestMoverStatus.logs())
                .contains("ERROR: could not signal completion to the destination (rsync returned 10)");
        assertThat(rs.status().lastSyncTime).isNull();
    }

    @Test
    void givenGeneratedKeys_whenADerivedSecretIsLostOrAltered_thenTheNextPassRestoresItFromTheMainSecret()
            throws Exception {
        ReplicationDestination rd = destination("once");
        cluster.reconcileUntil(rd, s -> s.lastSyncStartTime != null && rd.status().rsync.sshKeys() != null,
                Duration.ofSeconds(10));
        Map<String, byte[]> main = cluster.secrets.get(NS, "volsync-rsync-dst-main-backup").orElseThrow();
        cluster.secrets.delete(NS, "volsync-rsync-dst-src-backup");
        cluster.secrets.delete(NS, "volsync-rsync-dst-dest-backup");
        cluster.secrets.create(NS, "volsync-rsync-dst-dest-backup", Map.of("destination", main.get("destination"),
                "destination.pub", main.get("destination.pub"), "source.pub", "volsync:stale".getBytes()),
                JobMovers.owner(rd));

        cluster.reconciler.reconcile(rd);
        assertThat(cluster.secrets.get(NS, "volsync-rsync-dst-src-backup").orElseThrow().get("source"))
                .isEqualTo(main.get("source"));
        assertThat(cluster.secrets.get(NS, "volsync-rsync-dst-dest-backup").orElseThrow().get("source.pub"))
                .isEqualTo(main.get("source.pub"));
    }

    @Test
    void givenASourceWithoutAddress_whenSynchronizing_thenTheJobFailsAndTheStatusSaysWhy() throws Exception {
        cluster.pvc(NS, "data");
        ReplicationSource rs = source("once", null, null, null);
        cluster.reconcileUntil(rs, s -> s.latestMoverStatus != null
                && MoverStatus.FAILED.equals(s.latestMoverStatus.result()), Duration.ofSeconds(20));
        assertThat(rs.status().latestMoverStatus.logs()).contains("Remote host must be provided in DESTINATION_ADDRESS");
        assertThat(rs.status().lastSyncTime).isNull();
        assertThat(rs.status().rsync.sshKeys()).isEqualTo("volsync-rsync-src-dest-app");
        Optional<?> job = cluster.jobs.get(NS, "volsync-rsync-src-app");
        assertThat(job).as("a failed job is deleted so that the next pass recreates it").isEmpty();
    }
}
