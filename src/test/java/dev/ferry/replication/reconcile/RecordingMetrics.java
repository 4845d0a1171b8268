package dev.ferry.replication.reconcile;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Metrics kept in memory, per {@code namespace/name/role}, for assertions. */
public final class RecordingMetrics implements ObjectMetrics.Factory {

    public final Map<String, Boolean> outOfSync = new ConcurrentHashMap<>();
    public final Map<String, AtomicInteger> missed = new ConcurrentHashMap<>();
    public final Map<String, List<Duration>> durations = new ConcurrentHashMap<>();
    public final Map<String, String> methods = new ConcurrentHashMap<>();

    @Override
    public ObjectMetrics forObject(String namespace, String name, String role, String method) {
        String key = namespace + "/" + name + "/" + role;
        methods.put(key, method);
        return new ObjectMetrics() {
            @Override
            public void outOfSync(boolean value) {
                outOfSync.put(key, value);
            }

            @Override
            public void missedInterval() {
                missed.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void syncDuration(Duration duration) {
                durations.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(duration);
            }
        };
    }

    @Override
    public void remove(String namespace, String name, String role) {
        String key = namespace + "/" + name + "/" + role;
        outOfSync.remove(key);
        missed.remove(key);
        durations.remove(key);
    }
}
