package dev.ferry.replication.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code ReplicationSource.spec.rsync}: rsync over ssh (in Ferry: rsync to a loopback daemon), source side. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RsyncSourceSpec(String copyMethod, String capacity, String storageClassName, List<String> accessModes,
        String volumeSnapshotClassName, String sshKeys, String serviceType, String address, Integer port, String path,
        String sshUser, String moverServiceAccount, Map<String, String> moverPodLabels, JsonNode moverResources) {

    public VolumeOptions volumeOptions() {
        return new VolumeOptions(copyMethod, capacity, storageClassName, accessModes, volumeSnapshotClassName, null);
    }
}
