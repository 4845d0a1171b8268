package dev.ferry.replication.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code ReplicationSource.spec.restic}: back the volume up into a restic repository. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResticSourceSpec(String copyMethod, String capacity, String storageClassName, List<String> accessModes,
        String volumeSnapshotClassName, String repository, Integer pruneIntervalDays, ResticRetainPolicy retain,
        String cacheCapacity, String cacheStorageClassName, List<String> cacheAccessModes, CustomCaSpec customCA,
        String unlock, JsonNode moverSecurityContext, String moverServiceAccount, Map<String, String> moverPodLabels,
        JsonNode moverResources) {

    public VolumeOptions volumeOptions() {
        return new VolumeOptions(copyMethod, capacity, storageClassName, accessModes, volumeSnapshotClassName, null);
    }
}
