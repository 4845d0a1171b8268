package dev.ferry.replication.mover.rclone;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import dev.ferry.replication.api.CustomCaSpec;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationObject;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.VolumeOptions;
import dev.ferry.replication.job.JobContext;
import dev.ferry.replication.job.JobScript;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.MoverSettings;
import dev.ferry.replication.mover.Result;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.Volume;

/**
 * rclone, both directions: the source syncs its point-in-time copy to {@code <section>:<destPath>} (plus the ACLs
 * as {@code permissions.facl}); the destination syncs from there into its volume and restores the ACLs, then
 * produces the image. The rclone config comes from the {@code rcloneConfig} secret's {@code rclone.conf}.
 */
final class RcloneMover implements Mover {

    static final int BACKOFF_LIMIT = 2;
    private static final List<String> SYNC_FLAGS = List.of("--one-file-system", "--create-empty-src-dirs",
            "--stats", "20s", "--transfers", "10");
    private static final List<String> COPY_FLAGS = List.of("--one-file-system", "--create-empty-src-dirs",
            "--stats-one-line-date", "--stats", "20s", "--transfers", "10");

    private final MoverEnvironment env;
    private final ReplicationObject object;
    private final VolumeOptions volume;
    private final String configSecret;
    private final String section;
    /**
     * rclone's rule for a remote's name. Anything else reaches past the config secret: {@code :local:} names an
     * on-the-fly remote (any path of this host, where VolSync's would be the mover pod's), {@code name,key=value:}
     * overrides a remote's settings (its endpoint, and the secret's credentials go there).
     */
    private static final Pattern SECTION_NAME = Pattern.compile("[\\w.+@][\\w.+@ -]*[\\w.+@-]|[\\w.+@]");
    private final String destPath;
    private final CustomCaSpec customCa;
    private final boolean isSource;
    private final boolean privileged;
    private final Owner owner;

    RcloneMover(MoverEnvironment env, ReplicationObject object, VolumeOptions volume, String configSecret,
            String section, String destPath, CustomCaSpec customCa, boolean isSource, boolean privileged) {
        this.env = env;
        this.object = object;
        this.volume = volume;
        this.configSecret = configSecret;
        this.section = section;
        this.destPath = destPath;
        this.customCa = customCa;
        this.isSource = isSource;
        this.privileged = privileged;
        this.owner = JobMovers.owner(object);
    }

    @Override
    public String name() {
        return "rclone";
    }

    private String destinationPvcName() {
        return JobMovers.destinationPvcName(owner, volume.destinationPVC(), "dest");
    }

    @Override
    public Result synchronize() throws MoverException {
        if (configSecret == null || configSecret.isEmpty()) {
            throw new MoverException("unable to get Rclone config secret name");
        }
        if (section == null || section.isEmpty()) {
            throw new MoverException("unable to get Rclone config section name");
        }
        if (!SECTION_NAME.matcher(section).matches()) {
            throw new MoverException("invalid Rclone config section name \"" + section + "\": a section of the "
                    + "config secret is named with letters, digits, spaces and _-.+@ only");
        }
        if (destPath == null || destPath.isEmpty()) {
            throw new MoverException("unable to get Rclone destination name");
        }
        String ns = owner.namespace();
        Map<String, byte[]> config = env.secrets().getAndValidate(ns, configSecret, List.of("rclone.conf"));
        Volume data;
        if (isSource) {
            ReplicationSource source = (ReplicationSource) object;
            String pvc = source.spec().sourcePVC() == null ? "" : source.spec().sourcePVC();
            Optional<Volume> copy = JobMovers.sourceVolume(env, owner, object.status(), env.volumes().get(ns, pvc),
                    volume.copyMethod());
            if (copy.isEmpty()) {
                return Result.retryAfter(JobMovers.COPY_TRIGGER_RECHECK);
            }
            data = copy.get();
        } else {
            data = JobMovers.destinationVolume(env, owner, volume.destinationPVC(), "dest", volume.capacity(),
                    volume.accessModes());
        }
        Optional<byte[]> ca = JobMovers.customCa(env, ns, customCa);
        boolean paused = isSource ? ((ReplicationSource) object).spec().pausedOrDefault()
                : ((ReplicationDestination) object).spec().pausedOrDefault();
        JobSpec job = new JobSpec(ns, "volsync-rclone-" + (isSource ? "src-" : "dst-") + owner.name(), owner, true,
                BACKOFF_LIMIT, paused ? 0 : 1,
                JobSpec.template("data", data.path(), "config", configSecret, "RCLONE_DEST_PATH", destPath,
                        "DIRECTION", isSource ? "source" : "destination", "RCLONE_CONFIG_SECTION", section,
                        "PRIVILEGED_MOVER", privileged, "customCA", JobMovers.customCaReference(customCa)),
                script(env.settings(), config, ca, data.path()));
        if (!JobMovers.ensureJob(env, job, object.status(), RcloneBuilder.SUCCESS_LOGS)) {
            return Result.inProgress();
        }
        if (isSource) {
            return Result.complete();
        }
        return JobMovers.image(env, data, volume.copyMethod(), owner);
    }

    @Override
    public Result cleanup() throws MoverException {
        return isSource ? JobMovers.cleanup(env, owner) : JobMovers.destinationCleanup(env, owner, destinationPvcName());
    }

    private JobScript script(MoverSettings settings, Map<String, byte[]> secret, Optional<byte[]> ca, Path data) {
        String remote = section + ":" + destPath;
        return ctx -> {
            Path conf = JobMovers.mount(ctx, "rclone-config", "rclone.conf", secret.get("rclone.conf"));
            Map<String, String> envVars = new TreeMap<>();
            secret.forEach((k, v) -> {
                if (k.startsWith("RCLONE_")) {
                    envVars.put(k, new String(v, StandardCharsets.UTF_8));
                }
            });
            envVars.put("RCLONE_CONFIG", conf.toString());
            envVars.put("RCLONE_DEST_PATH", destPath);
            envVars.put("DIRECTION", isSource ? "source" : "destination");
            envVars.put("MOUNT_PATH", data.toString());
            envVars.put("RCLONE_CONFIG_SECTION", section);
            envVars.put("PRIVILEGED_MOVER", privileged ? "1" : "0");
            if (ca.isPresent()) {
                envVars.put("CUSTOM_CA", JobMovers.mount(ctx, "customCA", "ca.crt", ca.get()).toString());
            }
            long begin = System.nanoTime();
            Path faclDir = Files.createDirectory(ctx.tmp().resolve("facl"));
            Path facl = faclDir.resolve("permissions.facl");
            if (isSource) {
                // getfacl only reads the volume, as rclone sync does: it runs beside the sync instead of before it.
                // The copy of permissions.facl stays after the sync, which would delete it from the remote.
                Path written = RcloneConfig.localRemotePath(new String(secret.get("rclone.conf"),
                        StandardCharsets.UTF_8), envVars, section, destPath, ctx.tmp());
                Future<String> acls = ctx.fork(() -> ctx.capture(List.of("getfacl", "-R", "."), Map.of(), data));
                boolean synced;
                try (AutoCloseable writeback = JobMovers.writeback(ctx, settings, written)) {
                    synced = run(ctx, settings, envVars, concat(List.of("sync"), SYNC_FLAGS,
                            List.of(data.toString(), remote, "--log-level", "DEBUG")));
                }
                String aclText = acls.get();
                if (aclText == null) {
                    return fail(ctx, "getfacl");
                }
                if (!synced) {
                    return fail(ctx, "rclone sync");
                }
                Files.writeString(facl, PermissionsFile.fromVolume(aclText));
                if (!run(ctx, settings, envVars, concat(List.of("copy"), COPY_FLAGS, List.of("--include",
                        "permissions.facl", faclDir.toString(), remote, "--log-level", "DEBUG")))) {
                    return fail(ctx, "rclone copy");
                }
                if (!JobMovers.flush(ctx, settings, written)) {
                    return 1;
                }
            } else {
                // Both only read the remote and write different places (the volume, the scratch directory), so
                // the copy of permissions.facl runs beside the sync; setfacl waits for both, as in VolSync.
                Future<Boolean> aclCopy = ctx.fork(() -> run(ctx, settings, envVars, concat(List.of("copy"),
                        COPY_FLAGS, List.of("--include", "permissions.facl", remote, faclDir.toString(),
                                "--log-level", "DEBUG"))));
                boolean synced;
                try (AutoCloseable writeback = JobMovers.writeback(ctx, settings, data)) {
                    synced = run(ctx, settings, envVars, concat(List.of("sync"), SYNC_FLAGS, List.of("--exclude",
                            "permissions.facl", remote, data.toString(), "--log-level", "DEBUG")));
                }
                boolean copied = aclCopy.get();
                if (!synced) {
                    return fail(ctx, "rclone sync");
                }
                if (!copied) {
                    return fail(ctx, "rclone copy");
                }
                if (!Files.isRegularFile(facl)) {
                    ctx.log("stat: cannot stat 'permissions.facl': No such file or directory");
                    return 1;
                }
                PermissionsFile.Restorable restorable = PermissionsFile.forVolume(
                        Files.readString(facl, StandardCharsets.ISO_8859_1), data);
                if (restorable.dropped() > 0) {
                    ctx.log("permissions.facl: " + restorable.dropped()
                            + " entries not restored (outside the volume, through a link, or missing)");
                }
                Path restore = Files.writeString(faclDir.resolve("restore.facl"), restorable.text(),
                        StandardCharsets.ISO_8859_1);
                // -P: never through a link, whatever changed since the entries were checked.
                ctx.exec(List.of("setfacl", "-P", "--restore=" + restore), Map.of(), data);
                if (!JobMovers.flush(ctx, settings, data)) {
                    return 1;
                }
            }
            ctx.log("Rclone completed in " + java.time.Duration.ofNanos(System.nanoTime() - begin).toSeconds()
                    + "s");
            return 0;
        };
    }

    private static boolean run(JobContext ctx, MoverSettings settings, Map<String, String> envVars, List<String> args)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(settings.rcloneBinary());
        command.add(args.get(0));
        if (settings.rcloneChecksum()) {
            command.add("--checksum");
        }
        command.addAll(args.subList(1, args.size()));
        String ca = envVars.get("CUSTOM_CA");
        if (ca != null) {
            command.addAll(List.of("--ca-cert", ca));
        }
        return ctx.exec(command, envVars, ctx.tmp()).ok();
    }

    private static int fail(JobContext ctx, String what) {
        ctx.log("error: " + what + " failed");
        return 1;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}
