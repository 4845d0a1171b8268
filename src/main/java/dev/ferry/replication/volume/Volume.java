package dev.ferry.replication.volume;

import java.nio.file.Path;

/** A PersistentVolumeClaim as a mover sees it: its name and where its filesystem is mounted. */
public record Volume(String namespace, String name, Path path) {
}
