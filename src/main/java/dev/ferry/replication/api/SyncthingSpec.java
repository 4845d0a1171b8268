package dev.ferry.replication.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code ReplicationSource.spec.syncthing}: accepted in the API; Ferry does not build this mover. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SyncthingSpec(List<JsonNode> peers, String serviceType, String configCapacity,
        String configStorageClassName, List<String> configAccessModes, JsonNode moverSecurityContext,
        String moverServiceAccount, Map<String, String> moverPodLabels, JsonNode moverResources) {
}
