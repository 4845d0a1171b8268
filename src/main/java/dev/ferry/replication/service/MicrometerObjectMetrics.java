package dev.ferry.replication.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ferry.replication.reconcile.ObjectMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * VolSync's metrics in Micrometer, published on {@code /q/metrics} as {@code volsync_sync_duration_seconds}
 * (summary, quantiles 0.5/0.9/0.99 over 24 h), {@code volsync_missed_intervals_total} (counter) and
 * {@code volsync_volume_out_of_sync} (gauge), labelled obj_name, obj_namespace, role and method.
 */
@ApplicationScoped
public class MicrometerObjectMetrics implements ObjectMetrics.Factory {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> outOfSync = new ConcurrentHashMap<>();
    private final Map<String, Tags> tagsByObject = new ConcurrentHashMap<>();

    public MicrometerObjectMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ObjectMetrics forObject(String namespace, String name, String role, String method) {
        Tags tags = Tags.of("obj_name", name, "obj_namespace", namespace, "role", role, "method", method);
        String key = namespace + "/" + name + "/" + role;
        tagsByObject.put(key, tags);
        AtomicInteger gauge = outOfSync.computeIfAbsent(key + "/" + method, k -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("volsync.volume.out.of.sync", value, AtomicInteger::get)
                    .description("Set to 1 if the volume is not properly synchronized").tags(tags)
                    .register(registry);
            return value;
        });
        Counter missed = Counter.builder("volsync.missed.intervals")
                .description("The number of times a synchronization failed to complete before the next scheduled start")
                .tags(tags).register(registry);
        DistributionSummary durations = DistributionSummary.builder("volsync.sync.duration").baseUnit("seconds")
                .description("Duration of the synchronization interval in seconds").tags(tags)
                .publishPercentiles(0.5, 0.9, 0.99).distributionStatisticExpiry(Duration.ofHours(24))
                .register(registry);
        return new ObjectMetrics() {
            @Override
            public void outOfSync(boolean value) {
                gauge.set(value ? 1 : 0);
            }

            @Override
            public void missedInterval() {
                missed.increment();
            }

            @Override
            public void syncDuration(Duration duration) {
                durations.record(duration.toNanos() / 1e9);
            }
        };
    }

    @Override
    public void remove(String namespace, String name, String role) {
        Tags tags = tagsByObject.remove(namespace + "/" + name + "/" + role);
        if (tags == null) {
            return;
        }
        registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("volsync.")
                && tags.stream().allMatch(t -> t.getValue().equals(m.getId().getTag(t.getKey()))))
                .forEach(registry::remove);
        outOfSync.keySet().removeIf(k -> k.startsWith(namespace + "/" + name + "/" + role + "/"));
    }
}
