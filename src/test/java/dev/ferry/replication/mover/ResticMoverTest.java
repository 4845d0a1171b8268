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

import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationSpec;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.api.ResticDestinationSpec;
import dev.ferry.replication.api.ResticRetainPolicy;
import dev.ferry.replication.api.ResticSourceSpec;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.support.LocalCluster;
import dev.ferry.replication.support.Trees;

/** Given a restic repository from a secret, the real restic backs a volume up and restores it on the destination. */
class ResticMoverTest {

    private static final String NS = "team-c";

    @TempDir
    Path base;
    LocalCluster cluster;
    Path repository;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(base);
        repository = base.resolve("repo");
        cluster.secret(NS, "restic-config", Map.of("RESTIC_REPOSITORY", repository.toString(), "RESTIC_PASSWORD",
                "correct horse battery staple"));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    ReplicationSource source(String manual, String unlock) {
        return LocalCluster.source(NS, "app", new ReplicationSourceSpec("data", new TriggerSpec(null, manual), null,
                null, null, new ResticSourceSpec("Clone", null, null, null, null, "restic-config", 7,
                        new ResticRetainPolicy(null, 2, null, null, null, null, null), null, null, null, null,
                        unlock, null, null, null, null),
                null, null, null));
    }

    ReplicationDestination destination(String manual) {
        return LocalCluster.destination(NS, "restore", new ReplicationDestinationSpec(new TriggerSpec(null, manual),
                null, null, null, new ResticDestinationSpec("Snapshot", "1Gi", null, List.of("ReadWriteOnce"), null,
                        null, "restic-config", null, null, null, null, null, null, null, null, null, null),
                null, null));
    }

    static boolean synced(ReplicationStatus s, String manual) {
        return manual.equals(s.lastManualSync) && s.lastSyncStartTime == null && s.synchronizing()
                .filter(c -> "WaitingForManual".equals(c.reason())).isPresent();
    }

    static long addedBytes(String logs) {
        Matcher m = Pattern.compile("Added to the repository: ([0-9.]+) (B|KiB|MiB|GiB)").matcher(logs);
        assertThat(m.find()).as("restic summary in %s", logs).isTrue();
        int power = List.of("B", "KiB", "MiB", "GiB").indexOf(m.group(2));
        return (long) (Double.parseDouble(m.group(1)) * Math.pow(1024, power));
    }

    @Test
    void givenAVolume_whenBackedUpAndRestored_thenContentsAndPermissionsMatchAndTheRetainPolicyApplies()
            throws Exception {
        Path data = cluster.pvc(NS, "data");
        // No symlink here: restic 0.14 (Debian's) cannot restore a symlink over an existing one ("file exists"),
        // so the second restore into the same volume would fail; the rsync test covers symlinks.
        Trees.populate(data, 4, 45, false);
        ReplicationSource rs = source("one", "u1");
        cluster.reconcileUntil(rs, s -> synced(s, "one"), Duration.ofSeconds(60));
        assertThat(rs.status().latestMoverStatus.result()).isEqualTo(MoverStatus.SUCCESSFUL);
        assertThat(rs.status().latestMoverStatus.logs()).contains("snapshot").contains("saved");
        assertThat(rs.status().restic.lastUnlocked()).isEqualTo("u1");
        long full = addedBytes(rs.status().latestMoverStatus.logs());

        ReplicationDestination rd = destination("one");
        cluster.reconcileUntil(rd, s -> synced(s, "one"), Duration.ofSeconds(60));
        Path restored = base.resolve("volumes").resolve(NS).resolve("volsync-restore-dest");
        assertThat(Trees.describe(restored)).isEqualTo(Trees.describe(data));
        assertThat(cluster.flushes()).as("restic syncs its repository itself; the restored volume is flushed")
                .containsOnly("-f " + restored);
        assertThat(Trees.describe(cluster.volumes.snapshotPath(NS, rd.status().latestImage.name())))
                .isEqualTo(Trees.describe(data));

        byte[] changed = Files.readAllBytes(data.resolve("file-6.bin"));
        changed[5] ^= 1;
        Files.write(data.resolve("file-6.bin"), changed);
        Files.delete(data.resolve("a/file-7.bin"));
        for (String manual : List.of("two", "three")) {
            ReplicationSource next = new ReplicationSource(rs.apiVersion(), rs.kind(), rs.metadata(),
                    new ReplicationSourceSpec("data", new TriggerSpec(null, manual), null, null, null,
                            rs.spec().restic(), null, null, null), rs.status());
            cluster.reconcileUntil(next, s -> synced(s, manual), Duration.ofSeconds(60));
        }
        long incremental = addedBytes(rs.status().latestMoverStatus.logs());
        System.out.printf("restic bytes added: full %d, after a change %d%n", full, incremental);
        assertThat(incremental).isLessThan(full / 10);
        String json = restic("snapshots", "--json");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).size())
                .as("retain.daily=2 keeps one snapshot per day, so one of three remains").isEqualTo(1);

        ReplicationDestination rd2 = new ReplicationDestination(rd.apiVersion(), rd.kind(), rd.metadata(),
                new ReplicationDestinationSpec(new TriggerSpec(null, "two"), null, null, null, rd.spec().restic(),
                        null, null), rd.status());
        cluster.reconcileUntil(rd2, s -> synced(s, "two"), Duration.ofSeconds(60));
        Map<String, String> expected = Trees.describe(data);
        Map<String, String> actual = Trees.describe(restored);
        assertThat(actual.get("file-6.bin")).isEqualTo(expected.get("file-6.bin"));
        assertThat(actual).as("restic restore leaves files absent from the snapshot in place, as VolSync's does")
                .containsKey("a/file-7.bin");
        actual.remove("a/file-7.bin");
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void givenABackupStoppedMidway_whenTheObjectSyncsAgain_thenTheStaleLockIsRemovedAndTheRetainPolicyApplies()
            throws Exception {
        Path data = cluster.pvc(NS, "data");
        java.util.Random random = new java.util.Random(7);
        byte[] chunk = new byte[8 << 20];
        for (int i = 0; i < 40; i++) {
            random.nextBytes(chunk);
            Files.write(data.resolve("big-" + i + ".bin"), chunk);
        }
        restic("init");
        Path locks = repository.resolve("locks");
        ReplicationSource rs = source("one", null);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    if (cluster.jobs.pids(NS, "volsync-src-app").isEmpty()) {
                        cluster.reconciler.reconcile(rs);
                        return false;
                    }
                    try (var held = Files.list(locks)) {
                        return held.count() > 0;
                    }
                });
        // As a hand-over, a shutdown or a deletion stops it; an interrupted restic 0.14 may leave its lock (here it
        // did once), a killed one always does, and the next sync must not depend on which.
        cluster.jobs.delete(NS, "volsync-src-app");

        cluster.reconcileUntil(rs, s -> synced(s, "one"), Duration.ofSeconds(120));
        assertThat(rs.status().latestMoverStatus.result()).isEqualTo(MoverStatus.SUCCESSFUL);
        assertThat(rs.status().latestMoverStatus.logs()).contains("snapshot").contains("saved");
        try (var left = Files.list(locks)) {
            assertThat(left.toList()).as("locks left in the repository").isEmpty();
        }
        Ran forget = restic(repository, "correct horse battery staple", "forget", "--keep-last", "1");
        assertThat(forget.code()).as("an exclusive lock (forget, prune) is taken without unlock").isZero();
    }

    @Test
    void givenALockOfARunningProcessOfThisHost_whenTheRepositoryIsFoundLocked_thenNoUnlockSignalsIt_andTheSyncWaits()
            throws Exception {
        Trees.populate(cluster.pvc(NS, "data"), 2, 10, false);
        restic("init");
        Path locks = repository.resolve("locks");
        // A backup from standard input that is never closed holds its lock until we let it finish.
        ProcessBuilder holding = new ProcessBuilder("restic", "backup", "--stdin", "--stdin-filename", "held");
        holding.environment().put("RESTIC_REPOSITORY", repository.toString());
        holding.environment().put("RESTIC_PASSWORD", "correct horse battery staple");
        Process holder = holding.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (var held = Files.list(locks)) {
                    return held.count() == 1;
                }
            });
            ReplicationSource rs = source("one", null);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(25))
                    .until(() -> {
                        cluster.reconciler.reconcile(rs);
                        return cluster.jobs.get(NS, "volsync-src-app").map(j -> j.failed() > 0).orElse(false);
                    });
            assertThat(cluster.jobs.get(NS, "volsync-src-app").orElseThrow().logs())
                    .contains("Repository locked: removing stale locks")
                    .contains("Not removing locks: lock ").contains("names process " + holder.pid())
                    .doesNotContain("successfully removed locks");
            assertThat(holder.isAlive()).isTrue();
            try (var held = Files.list(locks)) {
                assertThat(held.count()).as("the running backup's lock, and Ferry's own gone").isEqualTo(1);
            }
        } finally {
            holder.getOutputStream().write("held".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            holder.getOutputStream().close();
            holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(holder.exitValue()).as("the holder's backup, never signalled").isZero();
    }

    @Test
    void givenTheCopyMethodChanges_whenBackedUpAgain_thenOnePathEndingInDataIsRecordedAndOneSnapshotKept()
            throws Exception {
        // Not named data: VolSync's restore picks snapshots whose path contains /data, which a volume named data
        // would give whatever Ferry recorded.
        Files.writeString(cluster.pvc(NS, "app-volume").resolve("a.txt"), "a\n");
        ReplicationSource rs = null;
        for (String method : List.of("Direct", "Clone")) {
            ReplicationSource next = LocalCluster.source(NS, "app", new ReplicationSourceSpec("app-volume",
                    new TriggerSpec(null, method), null, null, null, new ResticSourceSpec(method, null, null, null,
                            null, "restic-config", null, null, null, null, null, null, null, null, null, null, null),
                    null, null, null));
            if (rs != null) {
                next = new ReplicationSource(next.apiVersion(), next.kind(), rs.metadata(), next.spec(), rs.status());
            }
            rs = next;
            cluster.reconcileUntil(rs, s -> synced(s, method), Duration.ofSeconds(60));
        }
        assertThat(rs.status().latestMoverStatus.logs())
                .as("the Clone's backup takes the Direct one's snapshot as its parent: the same path was recorded")
                .contains("using parent snapshot");
        com.fasterxml.jackson.databind.JsonNode snapshots = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(restic("snapshots", "--json"));
        assertThat(snapshots).as("two backups, keep-last 1 over them both").hasSize(1);
        Path recorded = base.resolve("volumes").resolve(NS).resolve("volsync-app-cache").resolve("data");
        assertThat(snapshots.get(0).path("paths").get(0).asText()).isEqualTo(recorded.toString());
        String shortId = snapshots.get(0).path("short_id").asText();
        assertThat(restic("snapshots").lines().filter(row -> row.contains("/data")))
                .as("VolSync's restore lists the snapshots and picks the rows containing /data")
                .anySatisfy(row -> assertThat(row).startsWith(shortId));
    }

    /** The output of a restic command that must succeed on the test's repository. */
    private String restic(String... args) throws Exception {
        Ran ran = restic(repository, "correct horse battery staple", args);
        assertThat(ran.code()).as("restic %s", List.of(args)).isZero();
        return ran.output();
    }

    record Ran(int code, String output) {
    }

    /** A restic command on {@code repository} opened with {@code password}: its code and standard output. */
    static Ran restic(Path repository, String password, String... args) throws Exception {
        ProcessBuilder command = new ProcessBuilder(new java.util.ArrayList<>(List.of("restic")));
        command.command().addAll(List.of(args));
        command.environment().put("RESTIC_REPOSITORY", repository.toString());
        command.environment().put("RESTIC_PASSWORD", password);
        Process process = command.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes());
        return new Ran(process.waitFor(), out);
    }

    @Test
    void givenAnEmptyRepositoryOnTheDestination_whenRestoring_thenItCompletesWithNothingRestored() throws Exception {
        ReplicationDestination rd = destination("one");
        cluster.reconcileUntil(rd, s -> synced(s, "one"), Duration.ofSeconds(60));
        assertThat(rd.status().latestMoverStatus.logs()).contains("No eligible snapshots found");
        assertThat(repository.resolve("config")).as("restore initialises the repository").exists();
        assertThat(cluster.flushes()).as("nothing restored, nothing to flush").isEmpty();
    }

    @Test
    void givenARepositorySecretWithOneField_whenSynchronizing_thenVolSyncsErrorIsShown() throws Exception {
        cluster.pvc(NS, "data");
        cluster.secret(NS, "half", Map.of("RESTIC_REPOSITORY", "/tmp/x"));
        ReplicationSource rs = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data", null, null, null,
                null, new ResticSourceSpec("Direct", null, null, null, null, "half", null, null, null, null, null,
                        null, null, null, null, null, null),
                null, null, null));
        cluster.reconciler.reconcile(rs);
        cluster.reconciler.reconcile(rs);
        assertThat(rs.status().synchronizing().orElseThrow().message())
                .isEqualTo("secret should have fields: [RESTIC_REPOSITORY RESTIC_PASSWORD]");
    }
    ReplicationSource sourceWith(String secret) {
        return LocalCluster.source(NS, "app", new ReplicationSourceSpec("data", new TriggerSpec(null, "one"), null,
                null, null, new ResticSourceSpec("Direct", null, null, null, null, secret, null, null, null, null,
                        null, null, null, null, null, null, null),
                null, null, null));
    }

    @Test
    void givenAPasswordEndingInANewline_whenBackedUp_thenTheRepositoryKeyIsTheExactBytesAsVolSyncPassesThem()
            throws Exception {
        Files.writeString(cluster.pvc(NS, "data").resolve("f.txt"), "x");
        Path exact = base.resolve("exact-repo");
        cluster.secret(NS, "newline", Map.of("RESTIC_REPOSITORY", exact.toString(), "RESTIC_PASSWORD", "pw\n"));
        ReplicationSource rs = sourceWith("newline");
        cluster.reconcileUntil(rs, s -> synced(s, "one"), Duration.ofSeconds(60));
        assertThat(rs.status().latestMoverStatus.result()).isEqualTo(MoverStatus.SUCCESSFUL);
        assertThat(opens(exact, "pw\n")).as("opened with the secret's exact bytes").isTrue();
        assertThat(opens(exact, "pw")).as("not with the bytes trimmed").isFalse();
    }

    static boolean opens(Path repository, String password) throws Exception {
        return restic(repository, password, "cat", "config").code() == 0;
    }

    @Test
    void givenAnEmptyPassword_whenSynchronizing_thenTheJobFailsAsVolSyncsEntryScriptDoes() throws Exception {
        Files.writeString(cluster.pvc(NS, "data").resolve("f.txt"), "x");
        cluster.secret(NS, "empty", Map.of("RESTIC_REPOSITORY", base.resolve("r").toString(), "RESTIC_PASSWORD", ""));
        ReplicationSource rs = sourceWith("empty");
        cluster.reconcileUntil(rs, s -> s.latestMoverStatus != null
                && MoverStatus.FAILED.equals(s.latestMoverStatus.result()), Duration.ofSeconds(120));
        assertThat(rs.status().latestMoverStatus.logs()).contains("ERROR: RESTIC_PASSWORD must be defined");
        assertThat(base.resolve("r")).doesNotExist();
    }

    @Test
    void givenAWrongPassword_whenBackingUp_thenTheJobFailsAsVolSyncsExistenceCheckDoes() throws Exception {
        Files.writeString(cluster.pvc(NS, "data").resolve("f.txt"), "x");
        assertThat(restic(repository, "right", "init").code()).as("restic init").isZero();
        cluster.secret(NS, "wrong", Map.of("RESTIC_REPOSITORY", repository.toString(), "RESTIC_PASSWORD", "wrong"));
        ReplicationSource rs = sourceWith("wrong");
        cluster.reconcileUntil(rs, s -> s.latestMoverStatus != null
                && MoverStatus.FAILED.equals(s.latestMoverStatus.result()), Duration.ofSeconds(120));
        assertThat(rs.status().latestMoverStatus.logs()).contains("Fatal: wrong password or no key found")
                .contains("ERROR: failure checking existence of repository");
    }

    @Test
    void givenACustomCaAndGcsCredentials_whenBackingUp_thenEveryResticCommandGetsThemAsVolSyncPassesThem()
            throws Exception {
        Path tools = Files.createDirectories(base.resolve("recording-restic"));
        Path log = tools.resolve("calls");
        Path restic = tools.resolve("restic");
        Files.writeString(restic, "#!/bin/sh\nprintf '%s|%s\\n' \"$CUSTOM_CA\" \"$*\" >> '" + log + "'\n"
                + "printf '%s=%s\\n' \"$GOOGLE_APPLICATION_CREDENTIALS\" \"$(cat \"$GOOGLE_APPLICATION_CREDENTIALS\")\" >> '"
                + log + ".gcs'\nexec restic \"$@\"\n");
        restic.toFile().setExecutable(true);
        cluster.close();
        var d = LocalCluster.settings(true);
        cluster = new LocalCluster(base.resolve("c2"), java.time.Clock.systemUTC(), new MoverSettings(d.rsyncBinary(),
                d.rcloneBinary(), restic.toString(), d.syncBinary(), d.bindAddress(), d.rsyncCompress(),
                d.rsyncSparse(), d.rsyncRetryDelay(), d.rcloneChecksum(), d.logMaxBytes(), d.logDebug(),
                d.logTailLines(), d.stunnelBinary(), d.syncthingBinary(), d.opensslBinary()));
        Files.writeString(cluster.pvc(NS, "data").resolve("f.txt"), "x");
        cluster.secret(NS, "restic-config", Map.of("RESTIC_REPOSITORY", base.resolve("ca-repo").toString(),
                "RESTIC_PASSWORD", "pw", "GOOGLE_APPLICATION_CREDENTIALS", "{\"type\":\"service_account\"}"));
        cluster.secret(NS, "ca", Map.of("ca.crt", new String(
                dev.ferry.replication.support.TlsWebdav.selfSigned(base.resolve("tls")).certificatePem())));
        ReplicationSource rs = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data",
                new TriggerSpec(null, "one"), null, null, null, new ResticSourceSpec("Direct", null, null, null, null,
                        "restic-config", null, null, null, null, null,
                        new dev.ferry.replication.api.CustomCaSpec("ca", null, "ca.crt"), null, null, null, null,
                        null),
                null, null, null));
        cluster.reconcileUntil(rs, s -> synced(s, "one"), Duration.ofSeconds(60));

        List<String> calls = Files.readAllLines(log);
        assertThat(calls).extracting(c -> c.substring(c.indexOf('|') + 1))
                .anyMatch(c -> c.contains(" backup ")).anyMatch(c -> c.contains(" forget "));
        for (String call : calls) {
            String ca = call.substring(0, call.indexOf('|'));
            assertThat(ca).as("CUSTOM_CA, where VolSync mounts it").endsWith("/customCA/ca.crt");
            assertThat(call.substring(call.indexOf('|') + 1)).as("restic's global --cacert, on every command")
                    .startsWith("--cacert " + ca + " ");
        }
        assertThat(Files.readAllLines(Path.of(log + ".gcs"))).as("a file, named by the variable").isNotEmpty()
                .allMatch(line -> line.matches(".*/credentials/gcs\\.json=\\{\"type\":\"service_account\"}"));
    }
}
