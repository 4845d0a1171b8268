package dev.ferry.replication.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code ReplicationDestination.spec.rsync}: the receiving (listening) side of rsync. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RsyncDestinationSpec(String copyMethod, String capacity, String storageClassName,
        List<String> accessModes, String volumeSnapshotClassName, String destinationPVC, String sshKeys,
        String serviceType, String address, Integer port, String path, String sshUser,
        Map<String, String> serviceAnnotations, String moverServiceAccount, Map<String, String> moverPodLabels,
        JsonNode moverResources) {

    public VolumeOptions volumeOptions() {
        return new VolumeOptions(copyMethod, capacity, storageClassName, accessModes, volumeSnapshotClassName,
                destinationPVC);
    }
}
