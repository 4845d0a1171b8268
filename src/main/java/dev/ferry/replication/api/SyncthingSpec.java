package dev.ferry.replication.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code ReplicationSource.spec.syncthing}: the peers to share the volume with, and for the configuration volume its
 * capacity (default 1Gi) and access modes (default ReadWriteOnce: a local volume records none to copy); a storage
 * class has no local meaning. Source only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SyncthingSpec(List<SyncthingPeer> peers, String serviceType, String configCapacity,
        String configStorageClassName, List<String> configAccessModes, JsonNode moverSecurityContext,
        String moverServiceAccount, Map<String, String> moverPodLabels, JsonNode moverResources) {
}
