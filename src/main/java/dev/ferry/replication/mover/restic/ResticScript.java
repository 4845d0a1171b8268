package dev.ferry.replication.mover.restic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.replication.api.CustomCaSpec;
import dev.ferry.replication.job.JobContext;
import dev.ferry.replication.job.JobScript;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.MoverSettings;
import dev.ferry.replication.volume.Owner;

/**
 * The restic mover's job: the operations {@code unlock}, {@code backup} (skip an empty volume, initialise the
 * repository when there is none, back up, then {@code forget} per the retain policy), {@code prune} and
 * {@code restore} (choose a snapshot by {@code restoreAsOf} and {@code previous}, restore it, flush the volume), in
 * the order given. A backup needs no flush of Ferry's: restic syncs what it writes to a local repository itself.
 */
final class ResticScript {

    static final String HOST = "volsync";
    private static final String NO_REPOSITORY = "Is there a repository at the following location";
    private static final String LOCKED = "repository is already locked";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What restic prints once the repository is open and the backup begins. */
    private static final Pattern STARTED = Pattern.compile("(?m)^(no parent snapshot found|using parent snapshot)",
            Pattern.CASE_INSENSITIVE);
    private static final Set<String> PASSED_KEYS = Set.of("RESTIC_COMPRESSION", "RESTIC_PACK_SIZE",
            "RESTIC_READ_CONCURRENCY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_DEFAULT_REGION", "ST_AUTH", "ST_USER", "ST_KEY", "B2_ACCOUNT_ID", "B2_ACCOUNT_KEY",
            "AZURE_ACCOUNT_NAME", "AZURE_ACCOUNT_KEY", "AZURE_ACCOUNT_SAS", "AZURE_ENDPOINT_SUFFIX",
            "GOOGLE_PROJECT_ID", "RESTIC_REST_USERNAME", "RESTIC_REST_PASSWORD");

    private ResticScript() {
    }

    /** The environment of the restic processes: the repository secret's keys restic understands, and ours. */
    private static Map<String, String> environment(Map<String, byte[]> secret, Path cache, String forget, String restoreAsOf,
            int previous, boolean privileged) {
        Map<String, String> env = new TreeMap<>();
        secret.forEach((k, v) -> {
            if (k.equals("RESTIC_REPOSITORY") || k.equals("RESTIC_PASSWORD") || PASSED_KEYS.contains(k)
                    || k.startsWith("OS_") || k.startsWith("RCLONE_")) {
                // The exact bytes, as a secretKeyRef passes them: a trailing newline is part of a password.
                env.put(k, new String(v, StandardCharsets.UTF_8));
            }
        });
        env.put("FORGET_OPTIONS", forget);
        env.put("RESTIC_CACHE_DIR", cacheDirectory(cache).toString());
        env.put("RESTORE_AS_OF", restoreAsOf == null ? "" : restoreAsOf);
        env.put("SELECT_PREVIOUS", String.valueOf(previous));
        env.put("RESTIC_PROGRESS_FPS", "0.1");
        env.put("PRIVILEGED_MOVER", privileged ? "1" : "0");
        return env;
    }

    /**
     * The restic job of either side: the repository secret (named, with VolSync's errors when absent or short) and
     * the custom CA read, the environment, template and script made of them.
     */
    static JobSpec job(MoverEnvironment env, Owner owner, String jobName, boolean paused, List<String> operations,
            Path data, Path cache, String repositoryName, CustomCaSpec caSpec, String forget, String restoreAsOf,
            int previous, boolean privileged) throws MoverException {
        if (repositoryName == null || repositoryName.isEmpty()) {
            throw new MoverException("secrets \"\" not found");
        }
        Map<String, byte[]> repository = env.secrets().getAndValidate(owner.namespace(), repositoryName,
                ResticSourceMover.REPOSITORY_FIELDS);
        Optional<byte[]> ca = JobMovers.customCa(env, owner.namespace(), caSpec);
        Map<String, String> vars = environment(repository, cache, forget, restoreAsOf, previous, privileged);
        return new JobSpec(owner.namespace(), jobName, owner, true, ResticSourceMover.BACKOFF_LIMIT, paused ? 0 : 1,
                template(operations, data, cache, repositoryName, caSpec, vars),
                script(env.settings(), operations, data, cache, vars, ca,
                        Optional.ofNullable(repository.get("GOOGLE_APPLICATION_CREDENTIALS"))));
    }

    /** The job's template: the actions, the volumes, the secret by name and the variables not taken from it. */
    private static Map<String, String> template(List<String> operations, Path data, Path cache, String repository,
            CustomCaSpec ca, Map<String, String> env) {
        Map<String, String> template = JobSpec.template("args", String.join(" ", operations), "data", data,
                "cache", cache, "repository", repository, "customCA", JobMovers.customCaReference(ca));
        for (String own : List.of("FORGET_OPTIONS", "RESTORE_AS_OF", "SELECT_PREVIOUS", "PRIVILEGED_MOVER")) {
            template.put(own, env.getOrDefault(own, ""));
        }
        return template;
    }

    /**
     * {@code ca}: the custom CA, written where the attempt finds it ({@code CUSTOM_CA}, restic's {@code --cacert}).
     * {@code gcsCredentials}: the repository secret's {@code GOOGLE_APPLICATION_CREDENTIALS}, which VolSync mounts as
     * a file and names in that variable.
     */
    private static JobScript script(MoverSettings settings, List<String> operations, Path data, Path cache,
            Map<String, String> vars, Optional<byte[]> ca, Optional<byte[]> gcsCredentials) {
        return ctx -> {
            Map<String, String> env = new TreeMap<>(vars);
            List<String> restic = new ArrayList<>(List.of(settings.resticBinary()));
            if (ca.isPresent()) {
                String file = JobMovers.mount(ctx, "customCA", "ca.crt", ca.get()).toString();
                env.put("CUSTOM_CA", file);
                restic.addAll(List.of("--cacert", file));
            }
            if (gcsCredentials.isPresent()) {
                env.put("GOOGLE_APPLICATION_CREDENTIALS",
                        JobMovers.mount(ctx, "credentials", "gcs.json", gcsCredentials.get()).toString());
            }
            for (String mandatory : List.of("RESTIC_CACHE_DIR", "RESTIC_PASSWORD", "RESTIC_REPOSITORY")) {
                if (env.getOrDefault(mandatory, "").isEmpty()) {
                    ctx.log("ERROR: " + mandatory + " must be defined");
                    return 1;
                }
            }
            long begin = System.nanoTime();
            for (String operation : operations) {
                int rc;
                switch (operation) {
                    case "unlock" -> rc = unlock(ctx, restic, env, data);
                    case "backup" -> {
                        if (isEmpty(data)) {
                            ctx.log("== Directory is empty skipping backup ===");
                            return 0;
                        }
                        rc = backup(ctx, restic, env, data, cache);
                    }
                    case "prune" -> rc = execPastStaleLocks(ctx, restic, command(restic, "prune"), env, data).code();
                    case "restore" -> rc = restore(ctx, settings, restic, env, data);
                    default -> {
                        ctx.log("unknown operation: " + operation);
                        return 2;
                    }
                }
                if (rc != 0) {
                    return rc;
                }
            }
            ctx.log("Restic completed in " + Duration.ofNanos(System.nanoTime() - begin).toSeconds() + "s");
            ctx.log("=== Done ===");
            return 0;
        };
    }

    private static int unlock(JobContext ctx, List<String> restic, Map<String, String> env, Path data)
            throws Exception {
        JobContext.Exit exit = ctx.exec(command(restic, "unlock"), env, data);
        if (exit.ok()) {
            return 0;
        }
        if (exit.output().contains(NO_REPOSITORY)) {
            ctx.log("No repo, ignoring unlock error");
            return 0;
        }
        ctx.log("ERROR: failure unlocking repository");
        return 3;
    }

    /**
     * VolSync's backup: make sure the repository exists, back up, then forget per the retain policy. VolSync checks
     * the repository with a {@code restic snapshots} first; here the backup itself is that check (it fails with the
     * same "no repository" text, and then the repository is initialised and the backup run again; a backup that fails
     * before it starts is the check failing, with VolSync's words and code 3), which saves one opening of the
     * repository per sync (a key derivation: about 0.5 s, measured) with the same outcome.
     */
    private static int backup(JobContext ctx, List<String> restic, Map<String, String> env, Path data, Path cache)
            throws Exception {
        List<String> backup = command(restic, "backup", "--host", HOST, "--exclude=lost+found", ".");
        Map<String, String> backupEnv = new TreeMap<>(env);
        backupEnv.put("PWD", recordedPath(cache, data).toString());
        JobContext.Exit exit = execPastStaleLocks(ctx, restic, backup, backupEnv, data);
        if (!exit.ok() && exit.output().contains(NO_REPOSITORY)) {
            int rc = ctx.exec(command(restic, "init"), env, data).code();
            if (rc != 0) {
                return rc;
            }
            exit = execPastStaleLocks(ctx, restic, backup, backupEnv, data);
        }
        if (!exit.ok()) {
            if (!STARTED.matcher(exit.output()).find()) {
                // It failed before backing anything up: opening or locking the repository, where VolSync's
                // existence check (restic snapshots) would have failed, and failed with these words and code.
                ctx.log("ERROR: failure checking existence of repository");
                return 3;
            }
            return exit.code();
        }
        String forget = env.getOrDefault("FORGET_OPTIONS", "").strip();
        if (!forget.isEmpty()) {
            // VolSync's snapshots all have the path /data, so its forget (grouping by host and paths) sees one
            // group. Ferry's path is one per object too, but not VolSync's, nor what Ferry recorded before it kept
            // a link (the volume's directory), and it moves with the volumes root: grouping by host alone keeps the
            // policy applying to every snapshot of the repository, as VolSync's one group does.
            List<String> command = command(restic, "forget", "--host", HOST, "--group-by", "host");
            command.addAll(List.of(forget.split("\\s+")));
            return execPastStaleLocks(ctx, restic, command, env, data).code();
        }
        return 0;
    }

    /**
     * restic's cache in the object's cache volume: a directory of it rather than the volume itself (VolSync's
     * {@code /cache}), because restic leaves its cache out of every backup and the volume also holds the link of
     * {@link #recordedPath}.
     */
    static Path cacheDirectory(Path cacheVolume) {
        return cacheVolume.resolve("restic");
    }

    /**
     * The path a backup records as its snapshot's: {@code <cache volume>/data}, a link to the volume. VolSync's
     * snapshots record {@code /data}, where its pod mounts the volume; restic takes the working directory from
     * {@code PWD} when that names it (Go's {@code os.Getwd}), so the path is one per object whatever
     * {@code copyMethod} or {@code sourcePVC} (its snapshots are one history, as VolSync's are), and ends in
     * {@code /data} as VolSync's restore, picking the snapshots whose path contains {@code /data}, needs. The link is
     * replaced in one rename: a job killed halfway leaves the old one.
     */
    static Path recordedPath(Path cacheVolume, Path data) throws IOException {
        Path link = cacheVolume.resolve("data");
        Path fresh = cacheVolume.resolve(".data-" + UUID.randomUUID());
        Files.createSymbolicLink(fresh, data);
        Files.move(fresh, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return link;
    }

    /**
     * VolSync's restore: make sure the repository exists (an absent one is initialised), list the snapshots, choose
     * one. The listing is the existence check here (one opening of the repository fewer, as for the backup).
     */
    private static int restore(JobContext ctx, MoverSettings settings, List<String> restic, Map<String, String> env,
            Path data) throws Exception {
        List<String> list = command(restic, "snapshots", "--json", "--host", HOST);
        JobContext.Captured listed = ctx.captureAll(list, env, data);
        if (!listed.ok() && listed.stderr().contains(LOCKED) && removeStaleLocks(ctx, restic, env, data)) {
            listed = ctx.captureAll(list, env, data);
        }
        if (!listed.ok() && listed.stderr().contains(NO_REPOSITORY)) {
            int rc = ctx.exec(command(restic, "init"), env, data).code();
            if (rc != 0) {
                return rc;
            }
            listed = ctx.captureAll(list, env, data);
        }
        if (!listed.ok()) {
            ctx.log("ERROR: failure listing snapshots");
            return 3;
        }
        String listing = listed.stdout();
        record Snapshot(String id, Instant time) {
        }
        List<Snapshot> snapshots = new ArrayList<>();
        for (JsonNode node : JSON.readTree(listing)) {
            snapshots.add(new Snapshot(node.path("id").asText(),
                    OffsetDateTime.parse(node.path("time").asText()).toInstant().truncatedTo(ChronoUnit.SECONDS)));
        }
        snapshots.sort(Comparator.comparing(Snapshot::time).reversed());
        String asOf = env.getOrDefault("RESTORE_AS_OF", "");
        if (!asOf.isEmpty()) {
            Instant limit = OffsetDateTime.parse(asOf).toInstant();
            snapshots.removeIf(s -> s.time().isAfter(limit));
        }
        int skip = Integer.parseInt(env.getOrDefault("SELECT_PREVIOUS", "0"));
        if (snapshots.size() <= skip) {
            ctx.log("No eligible snapshots found");
            ctx.log("=== No data will be restored ===");
            return 0;
        }
        Snapshot chosen = snapshots.get(skip);
        ctx.log("Selected restic snapshot with id: " + chosen.id());
        int rc;
        try (AutoCloseable writeback = JobMovers.writeback(ctx, settings, data)) {
            rc = execPastStaleLocks(ctx, restic, command(restic, "restore", "-t", ".", "--host", HOST, chosen.id()),
                    env, data).code();
        }
        if (rc != 0) {
            return rc;
        }
        return JobMovers.flush(ctx, settings, data) ? 0 : 1;
    }

    /**
     * Runs a restic command; should it find the repository locked, removes the locks restic itself calls stale and
     * runs it once more. A restic killed midway leaves its lock (restic 0.14 at times even when interrupted), and
     * every later forget and prune (which lock exclusively) would fail until someone set {@code unlock}: when Ferry
     * stops a job for a hand-over, a shutdown or a deletion, and when an instance dies. Stale is restic's word for a
     * lock of a process gone from this host, or not refreshed for 30 minutes (a live restic refreshes its lock every
     * 5): a lock a running restic holds, here or on another host, stays, and the command fails as VolSync's would.
     */
    private static JobContext.Exit execPastStaleLocks(JobContext ctx, List<String> restic, List<String> command,
            Map<String, String> env, Path data) throws Exception {
        JobContext.Exit exit = ctx.exec(command, env, data);
        if (!exit.ok() && exit.output().contains(LOCKED) && removeStaleLocks(ctx, restic, env, data)) {
            exit = ctx.exec(command, env, data);
        }
        return exit;
    }

    private static boolean removeStaleLocks(JobContext ctx, List<String> restic, Map<String, String> env, Path data)
            throws Exception {
        ctx.log("=== Repository locked: removing stale locks ===");
        Optional<String> running = runningLockHolder(ctx, restic, env, data);
        if (running.isPresent()) {
            ctx.log("Not removing locks: " + running.get());
            return false;
        }
        return ctx.exec(command(restic, "unlock"), env, data).ok();
    }

    /**
     * restic's unlock tells whether a lock of this host is stale by sending SIGHUP to the process it names: a PID
     * reused since by another process (a JVM ends on SIGHUP) would get it. So unlock runs only when no lock of this
     * host names a running process (a running restic's lock is not stale anyway); locks of other hosts are judged by
     * their age alone. Reading them costs a repository opening per lock, only when the repository was found locked.
     */
    private static Optional<String> runningLockHolder(JobContext ctx, List<String> restic, Map<String, String> env,
            Path data) throws Exception {
        JobContext.Captured ids = ctx.captureAll(command(restic, "list", "locks", "--no-lock"), env, data);
        if (!ids.ok()) {
            return Optional.of("the locks could not be listed");
        }
        String host = localHostName();
        for (String id : ids.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            JobContext.Captured lock = ctx.captureAll(command(restic, "cat", "lock", id, "--no-lock"), env, data);
            if (!lock.ok()) {
                continue; // removed meanwhile
            }
            JsonNode node = JSON.readTree(lock.stdout());
            long pid = node.path("pid").asLong(-1);
            if (host.equals(node.path("hostname").asText()) && pid > 0 && ProcessHandle.of(pid).isPresent()) {
                return Optional.of("lock " + id.substring(0, Math.min(10, id.length())) + " names process " + pid
                        + " of this host, which is running");
            }
        }
        return Optional.empty();
    }

    /** The name restic records in its locks (Go's os.Hostname: the kernel's). */
    static String localHostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException unknown) {
                return "";
            }
        }
    }

    /** A restic command line: the binary with its global flags, then {@code args}. */
    private static List<String> command(List<String> restic, String... args) {
        List<String> command = new ArrayList<>(restic);
        command.addAll(List.of(args));
        return command;
    }

    private static boolean isEmpty(Path data) throws java.io.IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(data)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().equals("lost+found")) {
                    return false;
                }
            }
        }
        return true;
    }
}
