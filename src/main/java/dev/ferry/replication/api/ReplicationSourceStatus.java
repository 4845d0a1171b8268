package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code ReplicationSource.status}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ReplicationSourceStatus extends ReplicationStatus {
    public RsyncStatus rsync;
    public RsyncTlsStatus rsyncTLS;
    public ResticStatus restic;
    public SyncthingStatus syncthing;
}
