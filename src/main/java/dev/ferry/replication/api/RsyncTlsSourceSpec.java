package dev.ferry.replication.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code ReplicationSource.spec.rsyncTLS}: rsync over TLS with a pre-shared key (stunnel), to {@code address}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RsyncTlsSourceSpec(String copyMethod, String capacity, String storageClassName,
        List<String> accessModes, String volumeSnapshotClassName, String keySecret, String address, Integer port,
        JsonNode moverSecurityContext, String moverServiceAccount, Map<String, String> moverPodLabels,
        JsonNode moverResources) {
}
