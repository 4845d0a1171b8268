package dev.ferry.replication.mover;

import java.time.Duration;

/** VolSync's mover constants: the names prefix and the warning timeouts (nothing is aborted when they pass). */
public final class MoverConstants {

    /** Prefix of everything Ferry creates on an object's behalf. */
    public static final String VOLSYNC_PREFIX = "volsync-";
    /** Warn when a snapshot is not bound after this long. */
    public static final Duration SNAPSHOT_BIND_TIMEOUT = Duration.ofSeconds(30);
    /** Warn when a PVC is not bound after this long. */
    public static final Duration PVC_BIND_TIMEOUT = Duration.ofSeconds(120);
    /** Warn when a service has no address after this long. */
    public static final Duration SERVICE_ADDRESS_TIMEOUT = Duration.ofSeconds(15);

    public static final String LABEL_CREATED_BY = "app.kubernetes.io/created-by";
    public static final String LABEL_CLEANUP = "volsync.backube/cleanup";
    /** User-set on a snapshot: VolSync never deletes it and gives up owning it. */
    public static final String LABEL_DO_NOT_DELETE = "volsync.backube/do-not-delete";
    public static final String ANNOTATION_SNAPNAME = "volsync.backube/snapname";

    private MoverConstants() {
    }
}
