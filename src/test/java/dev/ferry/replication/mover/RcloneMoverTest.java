package dev.ferry.replication.mover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.replication.api.CustomCaSpec;
import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.RcloneDestinationSpec;
import dev.ferry.replication.api.RcloneSourceSpec;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationSpec;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.support.LocalCluster;
import dev.ferry.replication.support.MutableClock;
import dev.ferry.replication.support.TlsWebdav;
import dev.ferry.replication.support.Trees;

/** Given an rclone remote (a local path), the real rclone carries a volume there and back exactly. */
class RcloneMoverTest {

    private static final String NS = "team-b";

    @TempDir
    Path base;
    LocalCluster cluster;
    Path remote;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(base);
        remote = Files.createDirectories(base.resolve("remote"));
        cluster.secret(NS, "rclone-secret", Map.of("rclone.conf", "[store]\ntype = local\n"));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    ReplicationSource source(String manual) {
        return LocalCluster.source(NS, "app", new ReplicationSourceSpec("data", new TriggerSpec(null, manual), null,
                null, new RcloneSourceSpec("Snapshot", null, null, null, null, "rclone-secret", "store",
                        remote.resolve("bucket").toString(), null, null, null, null, null),
                null, null, null, null));
    }

    ReplicationDestination destination(String manual) {
        return LocalCluster.destination(NS, "restore", new ReplicationDestinationSpec(new TriggerSpec(null, manual),
                null, null, new RcloneDestinationSpec("Direct", "1Gi", null, List.of("ReadWriteOnce"), null, null,
                        "rclone-secret", "store", remote.resolve("bucket").toString(), null, null, null, null, null),
                null, null, null));
    }

    static boolean synced(ReplicationStatus s, String manual) {
        return manual.equals(s.lastManualSync) && s.lastSyncStartTime == null && s.synchronizing()
                .filter(c -> "WaitingForManual".equals(c.reason())).isPresent();
    }

    static long transferredBytes(String logs) {
        Matcher m = Pattern.compile("Transferred:\\s+([0-9.]+) (B|KiB|MiB|GiB) /").matcher(logs);
        assertThat(m.find()).as("rclone stats in %s", logs).isTrue();
        int power = List.of("B", "KiB", "MiB", "GiB").indexOf(m.group(2));
        return (long) (Double.parseDouble(m.group(1)) * Math.pow(1024, power));
    }

    @Test
    void givenAVolume_whenPushedAndPulledThroughTheRemote_thenContentsPermissionsAndDeletionsMatch()
            throws Exception {
        Path data = cluster.pvc(NS, "data");
        Trees.populate(data, 3, 45, false);
        ReplicationSource rs = source("one");
        cluster.reconcileUntil(rs, s -> synced(s, "one"), Duration.ofSeconds(60));
        assertThat(rs.status().latestMoverStatus.result()).isEqualTo(MoverStatus.SUCCESSFUL);
        assertThat(remote.resolve("bucket/permissions.facl")).exists();
        assertThat(cluster.flushes()).as("a local remote is flushed to disk (VolSync's sync)")
                .containsOnly("-f " + remote.resolve("bucket"));
        long full = transferredBytes(rs.status().latestMoverStatus.logs());

        ReplicationDestination rd = destination("one");
        cluster.reconcileUntil(rd, s -> synced(s, "one"), Duration.ofSeconds(60));
        Path restored = base.resolve("volumes").resolve(NS).resolve("volsync-restore-dest");
        assertThat(Trees.describe(restored)).isEqualTo(Trees.describe(data));
        assertThat(rd.status().latestImage.kind()).isEqualTo("PersistentVolumeClaim");
        assertThat(rd.status().latestImage.name()).isEqualTo("volsync-restore-dest");
        assertThat(cluster.flushes()).as("the restored volume is flushed to disk")
                .containsOnly("-f " + remote.resolve("bucket"), "-f " + restored)
                .endsWith("-f " + restored);

        byte[] changed = Files.readAllBytes(data.resolve("file-0.bin"));
        changed[0] ^= 1;
        Files.write(data.resolve("file-0.bin"), changed);
        Files.delete(data.resolve("a/b/c/file-2.bin"));
        ReplicationSource rs2 = new ReplicationSource(rs.apiVersion(), rs.kind(), rs.metadata(),
                new ReplicationSourceSpec("data", new TriggerSpec(null, "two"), null, null, rs.spec().rclone(), null,
                        null, null, null), rs.status());
        cluster.reconcileUntil(rs2, s -> synced(s, "two"), Duration.ofSeconds(60));
        long incremental = transferredBytes(rs2.status().latestMoverStatus.logs());
        System.out.printf("rclone bytes transferred: full %d, after a change %d%n", full, incremental);
        assertThat(incremental).isLessThan(full / 10);

        ReplicationDestination rd2 = new ReplicationDestination(rd.apiVersion(), rd.kind(), rd.metadata(),
                new ReplicationDestinationSpec(new TriggerSpec(null, "two"), null, null, rd.spec().rclone(), null,
                        null, null), rd.status());
        cluster.reconcileUntil(rd2, s -> synced(s, "two"), Duration.ofSeconds(60));
        assertThat(Trees.describe(restored)).isEqualTo(Trees.describe(data));
        assertThat(restored.resolve("a/b/c/file-2.bin")).doesNotExist();
    }

    @Test
    void givenARemotesPermissionsNamingFilesOutsideTheVolume_whenPulled_thenOnlyTheVolumesOwnAreRestored()
            throws Exception {
        Path data = cluster.pvc(NS, "data");
        Files.writeString(data.resolve("kept.txt"), "kept\n");
        new ProcessBuilder("setfacl", "-m", "u:nobody:r", data.resolve("kept.txt").toString()).inheritIO().start()
                .waitFor();
        ReplicationSource rs = source("one");
        cluster.reconcileUntil(rs, s -> synced(s, "one"), Duration.ofSeconds(60));
        Path facl = remote.resolve("bucket/permissions.facl");
        assertThat(Files.readString(facl)).as("named as VolSync's getfacl -R /data names them")
                .startsWith("# file: data\n").contains("# file: data/kept.txt\n");

        Path restored = base.resolve("volumes").resolve(NS).resolve("volsync-restore-dest");
        Path outside = Files.writeString(base.resolve("volumes").resolve(NS).resolve("outside.txt"), "host file\n");
        Files.setPosixFilePermissions(outside, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(restored);
        Files.createSymbolicLink(restored.resolve("link"), outside);
        String hostile = "# file: data/../outside.txt\nuser::rwx\ngroup::rwx\nother::rwx\n\n"
                + "# file: data/link\nuser::rwx\ngroup::rwx\nother::rwx\n\n";
        Files.writeString(facl, Files.readString(facl) + "\n" + hostile);

        ReplicationDestination rd = destination("one");
        cluster.reconcileUntil(rd, s -> synced(s, "one"), Duration.ofSeconds(60));
        assertThat(Files.getPosixFilePermissions(outside))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(rd.status().latestMoverStatus.result()).isEqualTo(MoverStatus.SUCCESSFUL);
        Process getfacl = new ProcessBuilder("getfacl", "-c", restored.resolve("kept.txt").toString()).start();
        assertThat(new String(getfacl.getInputStream().readAllBytes())).contains("user:nobody:r--");
    }

    ReplicationSource tlsSource(String name, CustomCaSpec ca) {
        return LocalCluster.source(NS, name, new ReplicationSourceSpec("data", new TriggerSpec(null, "one"), null,
                null, new RcloneSourceSpec("Direct", null, null, null, null, "dav-secret", "dav", name, ca, null,
                        null, null, null),
                null, null, null, null));
    }

    @Test
    void givenARemoteOverHttpsWithAPrivateCa_whenTheCustomCaNamesIt_thenTheSyncGoesThroughElseTlsRefusesIt()
            throws Exception {
        Files.writeString(cluster.pvc(NS, "data").resolve("f.txt"), "over tls\n");
        try (TlsWebdav dav = new TlsWebdav(base)) {
            cluster.secret(NS, "dav-secret", Map.of("rclone.conf", dav.rcloneConf("dav")));
            cluster.secret(NS, "ca-secret", Map.of("ca.crt", new String(dav.certificatePem)));
            Path configMap = Files.createDirectories(cluster.configMapsRoot.resolve(NS).resolve("ca-map"));
            Files.write(configMap.resolve("bundle.pem"), dav.certificatePem);

            ReplicationSource viaSecret = tlsSource("via-secret", new CustomCaSpec("ca-secret", null, "ca.crt"));
            cluster.reconcileUntil(viaSecret, s -> synced(s, "one"), Duration.ofSeconds(60));
            assertThat(dav.served.resolve("via-secret/f.txt")).hasContent("over tls");

            ReplicationSource viaConfigMap = tlsSource("via-map", new CustomCaSpec(null, "ca-map", "bundle.pem"));
            cluster.reconcileUntil(viaConfigMap, s -> synced(s, "one"), Duration.ofSeconds(60));
            assertThat(dav.served.resolve("via-map/f.txt")).hasContent("over tls");

            ReplicationSource without = tlsSource("without", null);
            cluster.reconcileUntil(without, s -> s.latestMoverStatus != null
                    && MoverStatus.FAILED.equals(s.latestMoverStatus.result()), Duration.ofSeconds(60));
            assertThat(without.status().latestMoverStatus.logs()).contains("x509");
            assertThat(dav.served.resolve("without")).doesNotExist();

            ReplicationSource wrongKey = tlsSource("wrong-key", new CustomCaSpec(null, "ca-map", "ca.crt"));
            cluster.reconciler.reconcile(wrongKey);
            cluster.reconciler.reconcile(wrongKey);
            assertThat(wrongKey.status().synchronizing().orElseThrow().message())
                    .isEqualTo("configMap is missing field: ca.crt");
        }
    }

    @Test
    void givenNoConfigSecret_whenSynchronizing_thenTheConditionNamesTheMissingSecret() throws Exception {
        cluster.pvc(NS, "data");
        ReplicationSource rs = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data", null, null, null,
                new RcloneSourceSpec("Direct", null, null, null, null, "absent", "store", "/x", null, null, null,
                        null, null),
                null, null, null, null));
        cluster.reconciler.reconcile(rs);
        cluster.reconciler.reconcile(rs);
        assertThat(rs.status().synchronizing()).get().satisfies(c -> {
            assertThat(c.status()).isEqualTo("False");
            assertThat(c.reason()).isEqualTo("Error");
            assertThat(c.message()).isEqualTo("secrets \"absent\" not found");
        });
        assertThat(rs.status().lastSyncStartTime).as("an error does not change the state").isNotNull();
    }

    @Test
    void givenASecretWithoutRcloneConf_whenSynchronizing_thenVolSyncsFieldErrorIsShown() throws Exception {
        cluster.pvc(NS, "data");
        cluster.secret(NS, "wrong", Map.of("other", "x"));
        ReplicationSource rs = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data", null, null, null,
                new RcloneSourceSpec("Direct", null, null, null, null, "wrong", "store", "/x", null, null, null,
                        null, null),
                null, null, null, null));
        cluster.reconciler.reconcile(rs);
        cluster.reconciler.reconcile(rs);
        assertThat(rs.status().synchronizing().orElseThrow().message()).isEqualTo("secret is missing field: rclone.conf");
    }

    @Test
    void givenARemoteThatIsNotALocalDirectory_whenPushed_thenEveryFileSystemIsFlushedAsVolSyncDoes()
            throws Exception {
        cluster.secret(NS, "alias-secret", Map.of("rclone.conf", "[store]\ntype = alias\nremote = " + remote + "\n"));
        Files.writeString(cluster.pvc(NS, "data").resolve("a.txt"), "a\n");
        ReplicationSource rs = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data",
                new TriggerSpec(null, "one"), null, null, new RcloneSourceSpec("Direct", null, null, null, null,
                        "alias-secret", "store", "aliased", null, null, null, null, null),
                null, null, null, null));
        cluster.reconcileUntil(rs, s -> synced(s, "one"), Duration.ofSeconds(60));
        assertThat(remote.resolve("aliased/a.txt")).hasContent("a");
        assertThat(cluster.flushes()).as("plain sync: every file system").containsExactly("");
    }

    @Test
    void givenAFlushThatFails_whenPushed_thenTheJobFailsAndTheSyncIsNotReportedDone() throws Exception {
        cluster.close();
        cluster = new LocalCluster(base.resolve("failing"), java.time.Clock.systemUTC(),
                LocalCluster.settings(true, "false"));
        cluster.secret(NS, "rclone-secret", Map.of("rclone.conf", "[store]\ntype = local\n"));
        Files.writeString(cluster.pvc(NS, "data").resolve("a.txt"), "a\n");
        ReplicationSource rs = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data",
                new TriggerSpec(null, "one"), null, null, new RcloneSourceSpec("Direct", null, null, null, null,
                        "rclone-secret", "store", remote.resolve("unflushed").toString(), null, null, null, null,
                        null),
                null, null, null, null));
        cluster.reconcileUntil(rs, s -> s.latestMoverStatus != null && s.latestMoverStatus.result() != null,
                Duration.ofSeconds(60));
        assertThat(rs.status().latestMoverStatus.result()).isEqualTo(MoverStatus.FAILED);
        assertThat(rs.status().latestMoverStatus.logs()).contains("ERROR: sync failed: 1");
        assertThat(rs.status().lastSyncTime).isNull();
        assertThat(rs.status().lastManualSync).isNull();
    }

    @Test
    void givenAPausedSource_whenReconciled_thenTheJobExistsButNothingMovesUntilUnpaused() throws Exception {
        Path data = cluster.pvc(NS, "data");
        Trees.populate(data, 5, 6, false);
        RcloneSourceSpec spec = new RcloneSourceSpec("Direct", null, null, null, null, "rclone-secret", "store",
                remote.resolve("paused").toString(), null, null, null, null, null);
        ReplicationSource paused = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data",
                new TriggerSpec(null, "one"), null, null, spec, null, null, null, true));
        for (int i = 0; i < 5; i++) {
            cluster.reconciler.reconcile(paused);
        }
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-app")).get()
                .satisfies(job -> assertThat(job.parallelism()).isZero());
        assertThat(paused.status().synchronizing().orElseThrow().reason()).isEqualTo("SyncInProgress");
        assertThat(remote.resolve("paused")).doesNotExist();
        ReplicationSource resumed = new ReplicationSource(paused.apiVersion(), paused.kind(), paused.metadata(),
                new ReplicationSourceSpec("data", new TriggerSpec(null, "one"), null, null, spec, null, null, null,
                        false), paused.status());
        cluster.reconcileUntil(resumed, s -> synced(s, "one"), Duration.ofSeconds(60));
        assertThat(remote.resolve("paused/secret.txt")).exists();
    }

    static void annotate(Path volumesRoot, String pvc, Map<String, String> annotations) throws Exception {
        Path file = Files.createDirectories(volumesRoot.resolve(NS).resolve(".volsync/pvc")).resolve(pvc + ".properties");
        java.util.Properties props = new java.util.Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                props.load(in);
            }
        }
        props.putAll(annotations);
        try (var out = Files.newOutputStream(file)) {
            props.store(out, null);
        }
    }

    @Test
    void givenASourceUsingTheCopyTrigger_whenSynchronizing_thenItWaitsForANewTriggerReportsATimeoutAndThenSyncs()
            throws Exception {
        cluster.close();
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-05-01T10:00:00Z"));
        cluster = new LocalCluster(base.resolve("triggered"), clock);
        cluster.secret(NS, "rclone-secret", Map.of("rclone.conf", "[store]\ntype = local\n"));
        Files.writeString(cluster.pvc(NS, "data").resolve("a.txt"), "quiesced\n");
        annotate(cluster.volumesRoot, "data", Map.of("volsync.backube/use-copy-trigger", "true"));
        ReplicationSource rs = source("one");

        for (int pass = 0; pass < 3; pass++) {
            cluster.reconciler.reconcile(rs);
        }
        assertThat(rs.status().synchronizing().orElseThrow().reason()).isEqualTo("SyncInProgress");
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-app")).as("no copy, no job while waiting").isEmpty();
        clock.advance(Duration.ofMinutes(11));
        cluster.reconciler.reconcile(rs);
        assertThat(rs.status().latestMoverStatus).isEqualTo(new MoverStatus(MoverStatus.FAILED,
                "Timed out waiting for copy-trigger to be modified for pvc data"));
        assertThat(rs.status().lastSyncTime).isNull();

        annotate(cluster.volumesRoot, "data", Map.of("volsync.backube/copy-trigger", "backup-1"));
        cluster.reconcileUntil(rs, s -> synced(s, "one"), Duration.ofSeconds(60));
        assertThat(Files.readString(remote.resolve("bucket/a.txt"))).isEqualTo("quiesced\n");
        java.util.Properties annotations = new java.util.Properties();
        try (var in = Files.newInputStream(cluster.volumesRoot.resolve(NS).resolve(".volsync/pvc/data.properties"))) {
            annotations.load(in);
        }
        assertThat(annotations).containsEntry("volsync.backube/latest-copy-status", "Completed")
                .containsEntry("volsync.backube/latest-copy-trigger", "backup-1");
    }

    @Test
    void givenASchedule_whenTheClockPassesTheNextFire_thenTheRealMoverSyncsAgain() throws Exception {
        cluster.close();
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-05-01T10:00:10Z"));
        cluster = new LocalCluster(base.resolve("scheduled"), clock);
        cluster.secret(NS, "rclone-secret", Map.of("rclone.conf", "[store]\ntype = local\n"));
        Path data = cluster.pvc(NS, "data");
        Files.writeString(data.resolve("a.txt"), "first\n");
        ReplicationSource rs = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data",
                new TriggerSpec("*/15 * * * *", null), null, null, new RcloneSourceSpec("Direct", null, null, null,
                        null, "rclone-secret", "store", remote.resolve("scheduled").toString(), null, null, null, null,
                        null),
                null, null, null, null));
        cluster.reconcileUntil(rs, s -> s.synchronizing().filter(c -> "WaitingForSchedule".equals(c.reason()))
                .isPresent(), Duration.ofSeconds(60));
        assertThat(rs.status().nextSyncTime).isEqualTo(java.time.Instant.parse("2026-05-01T10:15:00Z"));
        assertThat(Files.readString(remote.resolve("scheduled/a.txt"))).isEqualTo("first\n");
        Files.writeString(data.resolve("a.txt"), "second\n");
        clock.set(java.time.Instant.parse("2026-05-01T10:14:59Z"));
        cluster.reconciler.reconcile(rs);
        assertThat(rs.status().lastSyncStartTime).as("not before the fire").isNull();
        clock.set(java.time.Instant.parse("2026-05-01T10:15:01Z"));
        cluster.reconcileUntil(rs, s -> java.time.Instant.parse("2026-05-01T10:30:00Z").equals(s.nextSyncTime),
                Duration.ofSeconds(60));
        assertThat(Files.readString(remote.resolve("scheduled/a.txt"))).isEqualTo("second\n");
        assertThat(rs.status().lastSyncTime).isEqualTo(java.time.Instant.parse("2026-05-01T10:15:01Z"));
    }
}
