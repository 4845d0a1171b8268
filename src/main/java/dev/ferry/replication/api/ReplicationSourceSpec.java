package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code ReplicationSource.spec}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReplicationSourceSpec(String sourcePVC, TriggerSpec trigger, RsyncSourceSpec rsync,
        RsyncTlsSourceSpec rsyncTLS, RcloneSourceSpec rclone, ResticSourceSpec restic, SyncthingSpec syncthing,
        ExternalSpec external, Boolean paused) {

    /** {@code paused}, absent meaning false (not a bean getter, so that it never shows in the JSON). */
    public boolean pausedOrDefault() {
        return Boolean.TRUE.equals(paused);
    }
}
