package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code ReplicationDestination.status}: adds {@code latestImage}, the last point-in-time copy received. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ReplicationDestinationStatus extends ReplicationStatus {
    public TypedLocalObjectReference latestImage;
    public RsyncStatus rsync;
    public RsyncTlsStatus rsyncTLS;
}
