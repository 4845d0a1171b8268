package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code corev1.TypedLocalObjectReference}: the image a destination produced (a PVC or a VolumeSnapshot). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TypedLocalObjectReference(String apiGroup, String kind, String name) {

    public static final String SNAPSHOT_GROUP = "snapshot.storage.k8s.io";

    public static TypedLocalObjectReference pvc(String name) {
        return new TypedLocalObjectReference("", "PersistentVolumeClaim", name);
    }

    public static TypedLocalObjectReference volumeSnapshot(String name) {
        return new TypedLocalObjectReference(SNAPSHOT_GROUP, "VolumeSnapshot", name);
    }

    @JsonIgnore
    public boolean isVolumeSnapshot() {
        return SNAPSHOT_GROUP.equals(apiGroup) && "VolumeSnapshot".equals(kind);
    }
}
