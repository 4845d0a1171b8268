package dev.ferry.replication.reconcile;

import java.time.Duration;

/** VolSync's three metrics for one object (labels obj_name, obj_namespace, role, method). */
public interface ObjectMetrics {

    void outOfSync(boolean outOfSync);

    void missedInterval();

    void syncDuration(Duration duration);

    /** Metrics sink for one object, by name, namespace, role and mover name. */
    interface Factory {
        ObjectMetrics forObject(String namespace, String name, String role, String method);

        void remove(String namespace, String name, String role);
    }
}
