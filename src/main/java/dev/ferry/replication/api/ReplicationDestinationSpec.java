package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code ReplicationDestination.spec} (no syncthing on this side). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReplicationDestinationSpec(TriggerSpec trigger, RsyncDestinationSpec rsync,
        RsyncTlsDestinationSpec rsyncTLS, RcloneDestinationSpec rclone, ResticDestinationSpec restic,
        ExternalSpec external, Boolean paused) {

    /** {@code paused}, absent meaning false (not a bean getter, so that it never shows in the JSON). */
    public boolean pausedOrDefault() {
        return Boolean.TRUE.equals(paused);
    }
}
