package dev.ferry.replication.api;

/** What ReplicationSource and ReplicationDestination have in common for the controller. */
public interface ReplicationObject {

    String API_VERSION = "volsync.backube/v1alpha1";

    String apiVersion();

    String kind();

    ObjectMeta metadata();

    ReplicationStatus status();

    TriggerSpec trigger();

    boolean hasExternal();

    /** The role label of VolSync's metrics: {@code source} or {@code destination}. */
    String role();

    default ObjectKey key() {
        return new ObjectKey(metadata().namespace(), metadata().name());
    }
}
