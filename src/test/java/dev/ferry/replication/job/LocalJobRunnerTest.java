package dev.ferry.replication.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.replication.volume.Owner;

class LocalJobRunnerTest {

    static final Owner OWNER = new Owner("ReplicationSource", "team-a", "app", "uid-1");
    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    @TempDir
    Path scratch;
    ExecutorService executor;
    ScheduledExecutorService timer;
    LocalJobRunner jobs;

    @BeforeEach
    void start() {
        executor = Executors.newCachedThreadPool();
        timer = Executors.newSingleThreadScheduledExecutor();
        jobs = new LocalJobRunner(executor, timer, Duration.ofMillis(10), STOP_GRACE, scratch, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        jobs.close();
        executor.shutdownNow();
        timer.shutdownNow();
    }

    JobStatus awaitEnd(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JobStatus status = jobs.get(OWNER.namespace(), name).orElseThrow();
            if (status.succeeded() > 0 || status.failed() > 0) {
                return status;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + name + " did not end");
    }

    @Test
    void givenFerrysEnvironment_whenAMoverProcessStarts_thenItGetsOnlyPathLocaleProxiesAndItsOwnHome() {
        Map<String, String> host = new HashMap<>();
        host.put("PATH", "/opt/bin:/usr/bin");
        host.put("HTTPS_PROXY", "http://proxy:3128");
        host.put("no_proxy", "localhost");
        host.put("AWS_SECRET_ACCESS_KEY", "host-key");
        host.put("RESTIC_PASSWORD_FILE", "/etc/ferry/password");
        host.put("RCLONE_CONFIG_STORE_TYPE", "s3");
        host.put("GOOGLE_APPLICATION_CREDENTIALS", "/etc/gcs.json");
        host.put("HOME", "/root");

        Map<String, String> env = LocalJobRunner.moverEnvironment(host, Path.of("/scratch/job-1"));

        assertThat(env).containsOnly(Map.entry("PATH", "/opt/bin:/usr/bin"),
                Map.entry("HTTPS_PROXY", "http://proxy:3128"), Map.entry("no_proxy", "localhost"),
                Map.entry("HOME", "/scratch/job-1"), Map.entry("TMPDIR", "/scratch/job-1"));
        assertThat(LocalJobRunner.moverEnvironment(Map.of(), Path.of("/s"))).containsKey("PATH");
    }

    @Test
    void givenARealProcess_whenItListsItsEnvironment_thenNothingBeyondTheBaseAndTheJobsOwnVariables()
            throws Exception {
        StringBuilder listed = new StringBuilder();
        jobs.ensure(new JobSpec("team-a", "env", OWNER, true, 1, 1, Map.of(), ctx -> {
            String out = ctx.capture(List.of("env", "-0"), Map.of("RESTIC_REPOSITORY", "/repo"), ctx.tmp());
            listed.append(out);
            return out == null ? 1 : 0;
        }));
        assertThat(awaitEnd("env").succeeded()).isEqualTo(1);
        Set<String> names = new TreeSet<>();
        for (String entry : listed.toString().split("\0")) {
            if (!entry.isEmpty()) {
                names.add(entry.substring(0, entry.indexOf('=')));
            }
        }
        Set<String> allowed = new TreeSet<>(LocalJobRunner.INHERITED);
        allowed.addAll(List.of("HOME", "TMPDIR", "RESTIC_REPOSITORY"));
        assertThat(allowed).containsAll(names);
        assertThat(names).contains("PATH", "HOME", "RESTIC_REPOSITORY");
    }

    @Test
    void givenARunningJob_whenItsTemplateChanges_thenItIsStoppedDeletedAndTheNextEnsureCreatesTheNewOne()
            throws Exception {
        Map<String, String> first = JobSpec.template("port", 8000);
        jobs.ensure(new JobSpec("team-a", "daemon", OWNER, true, 1, 1, first,
                ctx -> ctx.exec(List.of("sleep", "60"), Map.of(), null).code()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jobs.pids("team-a", "daemon").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<Long> pids = jobs.pids("team-a", "daemon");
        assertThat(pids).hasSize(1);

        assertThat(jobs.ensure(new JobSpec("team-a", "daemon", OWNER, true, 1, 1, first,
                ctx -> ctx.exec(List.of("sleep", "60"), Map.of(), null).code())).active())
                .as("the same template keeps the job").isTrue();
        Map<String, String> second = JobSpec.template("port", 8001);
        assertThatThrownBy(() -> jobs.ensure(new JobSpec("team-a", "daemon", OWNER, true, 1, 1, second,
                ctx -> 0))).isInstanceOf(JobReplacedException.class)
                .hasMessage("unable to update object. Deleting object so it can be recreated");
        assertThat(jobs.get("team-a", "daemon")).isEmpty();
        ProcessHandle old = ProcessHandle.of(pids.get(0)).orElse(null);
        if (old != null) {
            assertThat(old.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        }

        jobs.ensure(new JobSpec("team-a", "daemon", OWNER, true, 1, 1, second, ctx -> 0));
        assertThat(awaitEnd("daemon").succeeded()).isEqualTo(1);
    }
    @Test
    void givenARunningJobWithAChild_whenDeleted_thenItsProcessesHaveEndedWhenDeleteReturns() throws Exception {
        jobs.ensure(new JobSpec("team-a", "daemon", OWNER, false, 1, 1, Map.of(),
                ctx -> ctx.exec(List.of("sh", "-c", "sleep 60 & wait"), Map.of(), null).code()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ProcessHandle> running = List.of();
        while (System.nanoTime() < deadline) {
            List<Long> pids = jobs.pids("team-a", "daemon");
            if (!pids.isEmpty()) {
                ProcessHandle shell = ProcessHandle.of(pids.get(0)).orElseThrow();
                running = java.util.stream.Stream.concat(java.util.stream.Stream.of(shell), shell.descendants())
                        .toList();
                if (running.size() == 2) {
                    break;
                }
            }
            Thread.sleep(10);
        }
        assertThat(running).as("the shell and its sleep").hasSize(2);

        jobs.delete("team-a", "daemon");
        assertThat(running).as("nothing left holding what the job held").noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void givenAToolThatCleansUpWhenInterrupted_whenItsJobIsDeleted_thenItHasCleanedUpWhenDeleteReturns()
            throws Exception {
        Path mark = scratch.resolve("cleaned-up");
        // A shell runs its trap once its foreground child has ended, which the interrupt also reaches.
        jobs.ensure(new JobSpec("team-a", "tidy", OWNER, false, 1, 1, Map.of(), ctx -> ctx.exec(List.of("sh", "-c",
                "trap 'echo interrupted > \"$MARK\"; exit 130' INT; echo ready; while :; do sleep 0.2; done"),
                Map.of("MARK", mark.toString()), null).code()));
        List<ProcessHandle> running = awaitProcesses("tidy", 2);

        long begin = System.nanoTime();
        jobs.delete("team-a", "tidy");
        assertThat(mark).as("what the tool does when interrupted, before it ends").hasContent("interrupted");
        assertThat(running).noneMatch(ProcessHandle::isAlive);
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("it ended when interrupted, not at the grace")
                .isLessThan(STOP_GRACE);
    }

    @Test
    void givenAToolThatIgnoresTheInterrupt_whenItsJobIsDeleted_thenItIsKilledAfterTheGrace() throws Exception {
        jobs.ensure(new JobSpec("team-a", "stubborn", OWNER, false, 1, 1, Map.of(), ctx -> ctx.exec(List.of("sh",
                "-c", "trap '' INT; while :; do sleep 0.2; done"), Map.of(), null).code()));
        List<ProcessHandle> running = awaitProcesses("stubborn", 2);

        long begin = System.nanoTime();
        // From the runner's own timer thread (as a hand-over could), which must not be what the kill waits for.
        timer.submit(() -> jobs.delete("team-a", "stubborn")).get();
        assertThat(running).as("killed once the grace was over").noneMatch(ProcessHandle::isAlive);
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isBetween(STOP_GRACE,
                STOP_GRACE.plus(LocalJobRunner.KILL_WAIT));
    }

    @Test
    void givenAJobFailingAgainAndAgain_thenEachRetryWaitsTwiceAsLongAsTheOneBefore_upToSixMinutes() throws Exception {
        try (LocalJobRunner slow = new LocalJobRunner(executor, timer, Duration.ofMillis(150), STOP_GRACE,
                scratch.resolve("slow"), Clock.systemUTC())) {
            List<Long> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
            slow.ensure(new JobSpec("team-a", "failing", OWNER, false, 4, 1, Map.of(), ctx -> {
                starts.add(System.nanoTime());
                return 1;
            }));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> starts.size() == 4);
            for (int i = 1; i < starts.size(); i++) {
                assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1))).as("wait before attempt %d", i + 1)
                        .isGreaterThanOrEqualTo(Duration.ofMillis(150L << (i - 1)));
            }
            assertThat(slow.retryDelay(1)).isEqualTo(Duration.ofMillis(150));
            assertThat(slow.retryDelay(12)).isEqualTo(Duration.ofMillis(150L << 11));
            assertThat(slow.retryDelay(13)).isEqualTo(LocalJobRunner.MAX_RETRY_DELAY);
            assertThat(slow.retryDelay(1000)).isEqualTo(LocalJobRunner.MAX_RETRY_DELAY);
        }
    }

    @Test
    void givenARunnerThatRanAJob_whenClosed_thenItsRecordsAreGone() throws Exception {
        Path own = scratch.resolve("own");
        LocalJobRunner runner = new LocalJobRunner(executor, timer, Duration.ofMillis(10), STOP_GRACE, own,
                Clock.systemUTC());
        runner.ensure(new JobSpec("team-a", "quick", OWNER, false, 1, 1, Map.of(),
                ctx -> ctx.exec(List.of("true"), Map.of(), null).code()));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> runner.get("team-a", "quick").orElseThrow().succeeded() > 0);
        assertThat(own).isDirectoryContaining(p -> true);

        runner.close();
        assertThat(own).as("nothing left for a later start of Ferry to clear").isEmptyDirectory();
    }

    /** The job's tool and its children, once there are {@code count} of them. */
    private List<ProcessHandle> awaitProcesses(String job, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<Long> pids = jobs.pids("team-a", job);
            if (!pids.isEmpty()) {
                ProcessHandle tool = ProcessHandle.of(pids.get(0)).orElse(null);
                List<ProcessHandle> family = tool == null ? List.of()
                        : java.util.stream.Stream.concat(java.util.stream.Stream.of(tool), tool.descendants()).toList();
                if (family.size() >= count) {
                    return family;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + job + " did not start " + count + " processes");
    }

    static Path runnerDir(Path scratch, ProcessHandle runner) throws Exception {
        return java.nio.file.Files.createDirectories(scratch.resolve(runner.pid() + "-"
                + LocalJobRunner.startStamp(runner)).resolve("pids"));
    }

    @Test
    void givenToolsLeftRunningByAFerryProcessThatDied_whenARunnerStarts_thenItStopsThemAndClearsTheirScratchSpace()
            throws Exception {
        Process orphan = new ProcessBuilder("sleep", "60").start();
        Process deadFerry = new ProcessBuilder("true").start();
        deadFerry.waitFor();
        Path deadPids = java.nio.file.Files.createDirectories(scratch.resolve(deadFerry.pid() + "-1700000000000")
                .resolve("pids"));
        java.nio.file.Files.writeString(deadPids.resolve(String.valueOf(orphan.pid())),
                String.valueOf(LocalJobRunner.startStamp(orphan.toHandle())));
        Path leftSecret = java.nio.file.Files.createDirectories(deadPids.getParent().resolve("volsync-src-app-1"))
                .resolve("password");
        java.nio.file.Files.writeString(leftSecret, "secret");

        Process liveFerry = new ProcessBuilder("sleep", "60").start();
        Process liveTool = new ProcessBuilder("sleep", "60").start();
        Path livePids = runnerDir(scratch, liveFerry.toHandle());
        java.nio.file.Files.writeString(livePids.resolve(String.valueOf(liveTool.pid())),
                String.valueOf(LocalJobRunner.startStamp(liveTool.toHandle())));
        try (LocalJobRunner next = new LocalJobRunner(executor, timer, Duration.ofMillis(10), STOP_GRACE, scratch,
                Clock.systemUTC())) {
            assertThat(orphan.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(deadPids.getParent()).doesNotExist();
            assertThat(liveTool.isAlive()).as("another live Ferry's tool is its own").isTrue();
            assertThat(livePids).exists();
        } finally {
            liveFerry.destroyForcibly();
            liveTool.destroyForcibly();
            orphan.destroyForcibly();
        }
    }

    @Test
    void givenARunningTool_whileItRuns_thenItsPidIsRecordedAndForgottenWhenItEnds() throws Exception {
        jobs.ensure(new JobSpec("team-a", "short", OWNER, true, 1, 1, Map.of(),
                ctx -> ctx.exec(List.of("sleep", "1"), Map.of(), null).code()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jobs.pids("team-a", "short").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long pid = jobs.pids("team-a", "short").get(0);
        Path record = runnerDir(scratch, ProcessHandle.current()).resolve(String.valueOf(pid));
        assertThat(record).exists();
        assertThat(awaitEnd("short").succeeded()).isEqualTo(1);
        assertThat(record).doesNotExist();
    }

    @Test
    void givenARecordAnotherUserCouldHaveWritten_whenARunnerStarts_thenItStopsNothingOnItsWord() throws Exception {
        Process victim = new ProcessBuilder("sleep", "60").start();
        Process deadFerry = new ProcessBuilder("true").start();
        deadFerry.waitFor();
        Path pids = java.nio.file.Files.createDirectories(scratch.resolve(deadFerry.pid() + "-1700000000000")
                .resolve("pids"));
        Path record = java.nio.file.Files.writeString(pids.resolve(String.valueOf(victim.pid())),
                String.valueOf(LocalJobRunner.startStamp(victim.toHandle())));
        java.nio.file.Files.setPosixFilePermissions(record,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        try (LocalJobRunner next = new LocalJobRunner(executor, timer, Duration.ofMillis(10), STOP_GRACE, scratch,
                Clock.systemUTC())) {
            assertThat(victim.onExit().completeOnTimeout(victim, 2, TimeUnit.SECONDS).get().isAlive())
                    .as("a record writable by others names no process to stop").isTrue();
        } finally {
            victim.destroyForcibly();
        }
    }
}
