package dev.ferry.replication.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * For a Ferry process of its own: the local roots it is given under one directory, a namespace with a one-file
 * volume {@code data} and an rclone secret for a local remote, and ReplicationSources that sync that volume to a
 * path with a manual trigger ({@link #TRIGGER}).
 */
public final class RcloneToLocalPath {

    public static final String TRIGGER = "go";

    private final Path root;
    private final String namespace;

    public RcloneToLocalPath(String prefix) throws IOException {
        this.root = Files.createTempDirectory(prefix);
        this.namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(Files.createDirectories(root.resolve("volumes").resolve(namespace).resolve("data"))
                .resolve("file"), "payload");
        Files.writeString(Files.createDirectories(root.resolve("secrets").resolve(namespace).resolve("rclone-secret"))
                .resolve("rclone.conf"), "[store]\ntype = local\n");
    }

    public Path root() {
        return root;
    }

    public String namespace() {
        return namespace;
    }

    /** Ferry's settings for the volumes, secrets and config maps under the root. */
    public Map<String, String> settings() {
        return Map.of("ferry.replication.volumes-root", root.resolve("volumes").toString(),
                "ferry.replication.secrets-root", root.resolve("secrets").toString(),
                "ferry.replication.configmaps-root", root.resolve("configmaps").toString());
    }

    /** Where the source {@code name} syncs to. */
    public Path remote(String name) {
        return root.resolve("remote").resolve(name + ".d");
    }

    /** The source's record value (JSON), with {@code uid} when not null. */
    public String source(String name, String uid) {
        String uidField = uid == null ? "" : ", \"uid\": \"" + uid + "\"";
        return """
                {"apiVersion": "volsync.backube/v1alpha1", "kind": "ReplicationSource",
                 "metadata": {"name": "%s", "namespace": "%s"%s},
                 "spec": {"sourcePVC": "data", "trigger": {"manual": "%s"},
                          "rclone": {"copyMethod": "Direct", "rcloneConfig": "rclone-secret",
                                     "rcloneConfigSection": "store", "rcloneDestPath": "%s"}}}
                """.formatted(name, namespace, uidField, TRIGGER, remote(name));
    }
}
