package dev.ferry.replication.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code ReplicationDestination.spec.rsyncTLS}: receives rsync over TLS with a pre-shared key (stunnel). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RsyncTlsDestinationSpec(String copyMethod, String capacity, String storageClassName,
        List<String> accessModes, String volumeSnapshotClassName, String destinationPVC, String keySecret,
        String serviceType, Map<String, String> serviceAnnotations, JsonNode moverSecurityContext,
        String moverServiceAccount, Map<String, String> moverPodLabels, JsonNode moverResources) {
}
