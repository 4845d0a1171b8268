package dev.ferry.replication.api;

import java.util.List;

/**
 * The volume options VolSync inlines into every mover section ({@code copyMethod}, {@code capacity}, …);
 * {@code destinationPVC} only exists on the destination side.
 */
public record VolumeOptions(String copyMethod, String capacity, String storageClassName, List<String> accessModes,
        String volumeSnapshotClassName, String destinationPVC) {
}
