package dev.ferry.replication.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code ReplicationDestination.spec.rclone}: pull {@code <rcloneConfigSection>:<rcloneDestPath>} into the volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RcloneDestinationSpec(String copyMethod, String capacity, String storageClassName,
        List<String> accessModes, String volumeSnapshotClassName, String destinationPVC, String rcloneConfig,
        String rcloneConfigSection, String rcloneDestPath, CustomCaSpec customCA, JsonNode moverSecurityContext,
        String moverServiceAccount, Map<String, String> moverPodLabels, JsonNode moverResources) {

    public VolumeOptions volumeOptions() {
        return new VolumeOptions(copyMethod, capacity, storageClassName, accessModes, volumeSnapshotClassName,
                destinationPVC);
    }
}
