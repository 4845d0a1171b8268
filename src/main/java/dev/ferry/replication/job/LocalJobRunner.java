package dev.ferry.replication.job;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import dev.ferry.replication.volume.Owner;

/**
 * Runs mover Jobs in this process: each attempt is a {@link JobScript} on a thread of the given executor, its
 * commands real processes whose output forms the attempt's log. A failed attempt is retried after a Kubernetes Job's
 * back-off ({@code retryDelay}, doubled per failed attempt, at most {@link #MAX_RETRY_DELAY}) until
 * {@code backoffLimit} attempts have failed (then the job stays failed until deleted, as a Kubernetes Job would).
 * Stopping or deleting a job interrupts its processes and their children, and kills what
 * still runs after {@code stopGrace} ({@link ToolStop}). Jobs live as long as this runner.
 */
public final class LocalJobRunner implements JobRunner, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalJobRunner.class);
    private static final int LOG_LIMIT = 512 * 1024;
    /** A Kubernetes Job's longest back-off between failed pods. */
    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(6);
    /** How long deleting a job waits, after the grace, for its killed processes to end. */
    static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final Duration retryDelay;
    private final Path scratchRoot;
    /** This process's part of the scratch root: attempts' scratch directories, and the PIDs of running tools. */
    private final Path runnerDir;
    private final Clock clock;
    private final ParentDeathSignal deathSignal;
    private final ToolStop toolStop;
    private final Map<String, LocalJob> jobs = new ConcurrentHashMap<>();
    private final List<Consumer<Owner>> listeners = new CopyOnWriteArrayList<>();

    public LocalJobRunner(ExecutorService executor, ScheduledExecutorService timer, Duration retryDelay,
            Duration stopGrace, Path scratchRoot, Clock clock) {
        this.executor = executor;
        this.timer = timer;
        this.retryDelay = retryDelay;
        this.scratchRoot = scratchRoot;
        ProcessHandle self = ProcessHandle.current();
        this.runnerDir = scratchRoot.resolve(self.pid() + "-" + startStamp(self));
        reapLeftovers();
        try {
            createPrivate(runnerDir.resolve(PIDS));
        } catch (IOException e) {
            LOG.warnf("Cannot record the tools' PIDs in %s: %s", runnerDir, e.getMessage());
        }
        this.clock = clock;
        this.deathSignal = ParentDeathSignal.detect();
        this.toolStop = ToolStop.detect(stopGrace, timer);
    }

    @Override
    public JobStatus ensure(JobSpec spec) {
        String key = spec.namespace() + "/" + spec.name();
        LocalJob existing = jobs.get(key);
        if (existing != null && !existing.spec.owner().uid().equals(spec.owner().uid())) {
            // Names are unique per namespace: a job left by an earlier object of the same name is not this one's.
            delete(spec.namespace(), spec.name());
        } else if (existing != null && !existing.spec.template().equals(spec.template())) {
            delete(spec.namespace(), spec.name());
            throw new JobReplacedException();
        }
        LocalJob job = jobs.computeIfAbsent(key, k -> new LocalJob(spec));
        job.reconcile(spec.parallelism());
        return job.status();
    }

    @Override
    public Optional<JobStatus> get(String namespace, String name) {
        return Optional.ofNullable(jobs.get(namespace + "/" + name)).map(LocalJob::status);
    }

    @Override
    public void delete(String namespace, String name) {
        LocalJob job = jobs.remove(namespace + "/" + name);
        if (job != null) {
            job.kill();
        }
    }

    @Override
    public void cleanup(Owner owner) {
        jobs.values().stream().filter(j -> j.spec.temporary() && owner.uid().equals(j.spec.owner().uid()))
                .forEach(j -> delete(j.spec.namespace(), j.spec.name()));
    }

    @Override
    public void deleteOwned(Owner owner) {
        jobs.values().stream().filter(j -> owner.uid().equals(j.spec.owner().uid()))
                .forEach(j -> delete(j.spec.namespace(), j.spec.name()));
    }

    @Override
    public void onAttemptEnded(Consumer<Owner> listener) {
        listeners.add(listener);
    }

    /** PIDs of the processes a job runs right now (for diagnostics and fault tests). */
    public List<Long> pids(String namespace, String name) {
        LocalJob job = jobs.get(namespace + "/" + name);
        return job == null ? List.of() : job.processes.stream().filter(Process::isAlive).map(Process::pid).toList();
    }

    /** The wait before the attempt after {@code failed} failed ones. */
    Duration retryDelay(int failed) {
        Duration delay = retryDelay.multipliedBy(1L << Math.min(Math.max(failed - 1, 0), 20));
        return delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay;
    }

    /** Stops every job (all are interrupted at once, then waited for together) and removes this runner's records. */
    @Override
    public void close() {
        List<ProcessHandle> stopping = new ArrayList<>();
        jobs.keySet().forEach(k -> {
            LocalJob job = jobs.remove(k);
            if (job != null) {
                stopping.addAll(job.stopForGood());
            }
        });
        awaitEnd(stopping, "stopping");
        // Nothing of this process is left to stop: its record goes (what a start of Ferry would otherwise clear).
        removeQuietly(runnerDir);
    }

    /**
     * Waits for stopped processes to end: the grace they have, then (killing those still running here, without
     * waiting for the timer, whose thread may be busy) the time a kill takes.
     */
    private void awaitEnd(List<ProcessHandle> stopping, String job) {
        if (!awaitAll(stopping, toolStop.grace())) {
            stopping.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            if (!awaitAll(stopping, KILL_WAIT)) {
                stopping.stream().filter(ProcessHandle::isAlive).forEach(p -> LOG.warnf(
                        "Job %s: process %d did not end within %s of being killed", job, p.pid(), KILL_WAIT));
            }
        }
    }

    /** Whether all ended within {@code atMost}. */
    private static boolean awaitAll(List<ProcessHandle> processes, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        for (ProcessHandle handle : processes) {
            try {
                handle.onExit().get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * What a process of this runner that ended without closing it (killed, crashed) left: its tools still running
     * (an rsync daemon holding its port, a transfer writing a volume a new attempt also writes) are killed, and its
     * scratch space (copies of secrets among it) removed. A runner whose process still lives is left alone: several
     * may share the scratch root.
     */
    private void reapLeftovers() {
        try {
            if (!trusted(createPrivate(scratchRoot))) {
                LOG.warnf("Not clearing what earlier runs left in %s: it is not this user's alone (owner or write "
                        + "permission); a private scratch directory (ferry.replication.scratch-dir) is safer",
                        scratchRoot);
                return;
            }
        } catch (IOException e) {
            LOG.warnf("Cannot prepare %s: %s", scratchRoot, e.getMessage());
            return;
        }
        try (var runners = Files.list(scratchRoot)) {
            for (Path dir : runners.toList()) {
                Matcher id = RUNNER.matcher(dir.getFileName().toString());
                if (dir.equals(runnerDir) || !id.matches() || !trusted(dir)
                        || alive(Long.parseLong(id.group(1)), Long.parseLong(id.group(2)))) {
                    continue;
                }
                Path pids = dir.resolve(PIDS);
                if (Files.isDirectory(pids)) {
                    try (var recorded = Files.list(pids)) {
                        for (Path record : recorded.toList()) {
                            if (!trusted(record)) {
                                continue;
                            }
                            long pid = Long.parseLong(record.getFileName().toString());
                            long started = Long.parseLong(Files.readString(record).strip());
                            ProcessHandle.of(pid).filter(p -> startStamp(p) == started && sameUser(p)).ifPresent(p -> {
                                LOG.infof("Stopping %s (pid %d), left running by a Ferry process that ended",
                                        p.info().command().orElse("a mover tool"), pid);
                                p.descendants().forEach(ProcessHandle::destroyForcibly);
                                p.destroyForcibly();
                            });
                        }
                    }
                }
                removeQuietly(dir);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Cannot clear what earlier runs left in %s: %s", scratchRoot, e.getMessage());
        }
    }

    /** Removes the scratch tree in this process (no {@code rm} to start), never following links out of it. */
    private static void removeQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            Files.walkFileTree(tmp, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.debugf("cannot remove %s: %s", tmp, e.getMessage());
        }
    }

    private static final String PIDS = "pids";
    /** A runner's directory: its process's PID and start time. */
    private static final Pattern RUNNER = Pattern.compile("(\\d+)-(-?\\d+)");

    private static boolean alive(long pid, long startStamp) {
        return ProcessHandle.of(pid).filter(p -> startStamp(p) == startStamp).isPresent();
    }

    /**
     * A process's start, which with its PID names it uniquely (PIDs are reused): on Linux the clock ticks since boot
     * at which it started ({@code /proc/<pid>/stat}), which no change of the wall clock moves; elsewhere its start
     * time in milliseconds.
     */
    static long startStamp(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, and
            // the start time field 22.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[19]);
        } catch (IOException | RuntimeException e) {
            return process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        }
    }

    /** Only this user's own files and directories, writable by nobody else, are believed. */
    private static boolean trusted(Path path) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))
                && !permissions.contains(PosixFilePermission.GROUP_WRITE)
                && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** Only processes of this user are ever stopped. */
    private static boolean sameUser(ProcessHandle process) {
        return process.info().user().equals(ProcessHandle.current().info().user());
    }

    /** Creates the directories missing (readable by this user alone); the directory. */
    private static Path createPrivate(Path dir) throws IOException {
        return Files.createDirectories(dir,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Records a tool's PID while it runs, so that a later runner can stop it if this process dies first. */
    private void record(Process process) {
        try {
            Files.writeString(runnerDir.resolve(PIDS).resolve(String.valueOf(process.pid())),
                    String.valueOf(startStamp(process.toHandle())));
        } catch (IOException e) {
            LOG.debugf("cannot record pid %d: %s", process.pid(), e.getMessage());
        }
    }

    private void forget(Process process) {
        try {
            Files.deleteIfExists(runnerDir.resolve(PIDS).resolve(String.valueOf(process.pid())));
        } catch (IOException e) {
            LOG.debugf("cannot forget pid %d: %s", process.pid(), e.getMessage());
        }
    }

    private final class LocalJob {
        final JobSpec spec;
        final Set<Process> processes = ConcurrentHashMap.newKeySet();
        final Instant startTime = clock.instant();
        Instant attemptStartTime;
        int parallelism;
        int succeeded;
        int failed;
        boolean running;
        boolean deleted;
        Instant completionTime;
        String lastLogs = "";
        Future<?> attempt;
        CountDownLatch stop = new CountDownLatch(1);

        LocalJob(JobSpec spec) {
            this.spec = spec;
            this.parallelism = -1;
        }

        synchronized void reconcile(int wanted) {
            if (wanted == parallelism) {
                return;
            }
            parallelism = wanted;
            if (wanted == 0) {
                stopAttempt();
            } else {
                maybeStart();
            }
        }

        synchronized JobStatus status() {
            return new JobStatus(running, succeeded, failed, parallelism, startTime, completionTime, lastLogs,
                    attemptStartTime);
        }

        /**
         * Stops the job for good and returns once its processes have ended (or after the grace and
         * {@link #KILL_WAIT}): a job made anew under the same name (a replaced template) must not find their ports or
         * files still held.
         */
        void kill() {
            awaitEnd(stopForGood(), spec.namespace() + "/" + spec.name());
        }

        synchronized List<ProcessHandle> stopForGood() {
            deleted = true;
            return stopAttempt();
        }

        /** Interrupts the attempt's processes and their children; the handles of all it stops. */
        private List<ProcessHandle> stopAttempt() {
            stop.countDown();
            List<ProcessHandle> stopping = toolStop.stop(processes.stream().map(Process::toHandle).toList());
            if (attempt != null) {
                attempt.cancel(true);
            }
            return stopping;
        }

        private void maybeStart() {
            if (deleted || running || parallelism <= 0 || succeeded > 0 || failed >= spec.backoffLimit()) {
                return;
            }
            running = true;
            attemptStartTime = clock.instant();
            stop = new CountDownLatch(1);
            CountDownLatch myStop = stop;
            attempt = executor.submit(() -> runAttempt(myStop));
        }

        private void runAttempt(CountDownLatch myStop) {
            StringBuilder log = new StringBuilder();
            int code;
            Path tmp = null;
            try {
                tmp = Files.createTempDirectory(createPrivate(runnerDir), spec.name() + "-");
                code = spec.script().run(new Context(log, myStop, tmp));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = 137;
            } catch (Exception e) {
                append(log, "error: " + e.getMessage());
                code = 1;
            }
            try {
                ended(myStop, code, log);
            } finally {
                // After the owner has been told: the attempt's outcome does not wait for its scratch space to go.
                removeQuietly(tmp);
            }
        }

        private void ended(CountDownLatch myStop, int code, StringBuilder log) {
            boolean retry;
            Duration delay;
            synchronized (this) {
                running = false;
                attempt = null;
                lastLogs = log.toString();
                boolean stopped = myStop.getCount() == 0;
                if (deleted || (stopped && parallelism == 0)) {
                    return;
                }
                if (code == 0) {
                    succeeded = 1;
                    completionTime = clock.instant();
                } else {
                    failed++;
                }
                retry = code != 0 && failed < spec.backoffLimit();
                delay = retryDelay(failed);
            }
            LOG.debugf("Job %s/%s attempt ended with %d", spec.namespace(), spec.name(), code);
            if (retry) {
                timer.schedule(() -> {
                    synchronized (LocalJob.this) {
                        maybeStart();
                    }
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (Consumer<Owner> listener : listeners) {
                try {
                    listener.accept(spec.owner());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Job listener failed for %s/%s", spec.namespace(), spec.name());
                }
            }
        }

        private final class Context implements JobContext {
            private final StringBuilder log;
            private final CountDownLatch myStop;
            private final Path tmp;

            Context(StringBuilder log, CountDownLatch myStop, Path tmp) {
                this.log = log;
                this.myStop = myStop;
                this.tmp = tmp;
            }

            @Override
            public Exit exec(List<String> command, Map<String, String> env, Path cwd) throws Exception {
                Process process = start(command, env, cwd, true);
                StringBuilder own = new StringBuilder();
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        append(log, line);
                        append(own, line);
                    }
                    return new Exit(process.waitFor(), own.toString());
                } finally {
                    processes.remove(process);
                    forget(process);
                }
            }

            @Override
            public Captured captureAll(List<String> command, Map<String, String> env, Path cwd) throws Exception {
                Process process = start(command, env, cwd, false);
                try {
                    Future<byte[]> err = executor.submit(() -> process.getErrorStream().readAllBytes());
                    byte[] out = process.getInputStream().readAllBytes();
                    int code = process.waitFor();
                    String errText = new String(err.get(), StandardCharsets.UTF_8);
                    errText.lines().forEach(l -> append(log, l));
                    return new Captured(code, new String(out, StandardCharsets.UTF_8), errText);
                } finally {
                    processes.remove(process);
                    forget(process);
                }
            }

            private Process start(List<String> command, Map<String, String> env, Path cwd, boolean merge)
                    throws IOException {
                if (myStop.getCount() == 0) {
                    throw new IOException("job stopped");
                }
                ProcessBuilder builder = new ProcessBuilder(deathSignal.wrap(new ArrayList<>(command)))
                        .redirectErrorStream(merge);
                if (cwd != null) {
                    builder.directory(cwd.toFile());
                }
                Map<String, String> environment = builder.environment();
                environment.clear();
                environment.putAll(moverEnvironment(System.getenv(), tmp));
                environment.putAll(env);
                Process process = builder.start();
                processes.add(process);
                record(process);
                if (myStop.getCount() == 0) {
                    // Stopped while it started: the stop did not see it.
                    toolStop.stop(List.of(process.toHandle()));
                }
                return process;
            }

            @Override
            public void log(String line) {
                append(log, line);
            }

            @Override
            public <T> Future<T> fork(Callable<T> part) {
                return executor.submit(part);
            }

            @Override
            public boolean pause(Duration delay) throws InterruptedException {
                return !myStop.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public Path tmp() {
                return tmp;
            }
        }
    }

    /** What a mover process inherits from this one's environment, as a pod gets it from its controller. */
    static final List<String> INHERITED = List.of("PATH", "LANG", "LC_ALL", "TZ", "HTTP_PROXY", "http_proxy",
            "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy");
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * A mover process's base environment: {@link #INHERITED} (the search path, locale, time zone and VolSync's proxy
     * variables), and its attempt's scratch directory as {@code HOME} and {@code TMPDIR}, so that no tool reads or
     * leaves state in a home shared with other namespaces. Nothing else of Ferry's environment reaches a mover:
     * credentials there (cloud keys, {@code RESTIC_*}, {@code RCLONE_CONFIG_*}) would otherwise serve every
     * namespace whose own secret lacks them.
     */
    static Map<String, String> moverEnvironment(Map<String, String> host, Path scratch) {
        Map<String, String> environment = new TreeMap<>();
        for (String name : INHERITED) {
            String value = host.get(name);
            if (value != null) {
                environment.put(name, value);
            }
        }
        environment.putIfAbsent("PATH", DEFAULT_PATH);
        environment.put("HOME", scratch.toString());
        environment.put("TMPDIR", scratch.toString());
        return environment;
    }

    private static void append(StringBuilder log, String line) {
        synchronized (log) {
            log.append(line).append('\n');
            if (log.length() > LOG_LIMIT) {
                log.delete(0, log.length() - LOG_LIMIT / 2);
            }
        }
    }
}
