package dev.ferry.replication.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code ReplicationDestination.spec.restic}: restore a restic snapshot into the volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResticDestinationSpec(String copyMethod, String capacity, String storageClassName,
        List<String> accessModes, String volumeSnapshotClassName, String destinationPVC, String repository,
        CustomCaSpec customCA, String cacheCapacity, String cacheStorageClassName, List<String> cacheAccessModes,
        Integer previous, String restoreAsOf, JsonNode moverSecurityContext, String moverServiceAccount,
        Map<String, String> moverPodLabels, JsonNode moverResources) {

    public VolumeOptions volumeOptions() {
        return new VolumeOptions(copyMethod, capacity, storageClassName, accessModes, volumeSnapshotClassName,
                destinationPVC);
    }
}
