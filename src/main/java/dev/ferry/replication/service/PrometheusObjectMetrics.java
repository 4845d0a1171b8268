package dev.ferry.replication.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.ferry.replication.reconcile.ObjectMetrics;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Summary;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * VolSync's metrics as VolSync declares them, in the Prometheus registry behind {@code /q/metrics}:
 * {@code volsync_sync_duration_seconds} (a summary with VolSync's objectives, 0.5/0.05, 0.9/0.01 and 0.99/0.001,
 * over 24 h), {@code volsync_missed_intervals_total} (counter) and {@code volsync_volume_out_of_sync} (gauge),
 * labelled obj_name, obj_namespace, role and method. Prometheus' own summary rather than Micrometer's, whose
 * percentiles are bucket bounds (a single 31.5 s sync read 31.0, and two syncs a value above both) and which adds a
 * {@code _max} VolSync does not have. A deleted object's series go, under every method it had.
 */
@ApplicationScoped
public class PrometheusObjectMetrics implements ObjectMetrics.Factory {

    private static final String[] LABELS = { "obj_name", "obj_namespace", "role", "method" };

    private final Summary durations = Summary.build().namespace("volsync").name("sync_duration_seconds")
            .help("Duration of the synchronization interval in seconds").labelNames(LABELS)
            .quantile(0.5, 0.05).quantile(0.9, 0.01).quantile(0.99, 0.001)
            .maxAgeSeconds(Duration.ofHours(24).toSeconds()).create();
    private final Counter missed = Counter.build().namespace("volsync").name("missed_intervals_total")
            .help("The number of times a synchronization failed to complete before the next scheduled start")
            .labelNames(LABELS).create();
    private final Gauge outOfSync = Gauge.build().namespace("volsync").name("volume_out_of_sync")
            .help("Set to 1 if the volume is not properly synchronized").labelNames(LABELS).create();
    /** The methods each object (namespace/name/role) has had series under. */
    private final Map<String, Set<String>> methods = new ConcurrentHashMap<>();

    public PrometheusObjectMetrics(PrometheusMeterRegistry registry) {
        for (Collector collector : List.of(durations, missed, outOfSync)) {
            registry.getPrometheusRegistry().register(withoutCreatedSeries(collector));
        }
    }

    /**
     * The collector's families without their {@code _created} series, which this client adds (switched off only by
     * an environment variable) and VolSync's, Go's, does not export.
     */
    private static Collector withoutCreatedSeries(Collector collector) {
        return new Collector() {
            @Override
            public List<MetricFamilySamples> collect() {
                return collector.collect().stream().map(family -> new MetricFamilySamples(family.name, family.type,
                        family.help, family.samples.stream().filter(s -> !s.name.endsWith("_created")).toList()))
                        .toList();
            }
        };
    }

    @Override
    public ObjectMetrics forObject(String namespace, String name, String role, String method) {
        methods.computeIfAbsent(namespace + "/" + name + "/" + role, k -> ConcurrentHashMap.newKeySet()).add(method);
        String[] labels = { name, namespace, role, method };
        Summary.Child duration = durations.labels(labels);
        Counter.Child missedInterval = missed.labels(labels);
        Gauge.Child gauge = outOfSync.labels(labels);
        return new ObjectMetrics() {
            @Override
            public void outOfSync(boolean value) {
                gauge.set(value ? 1 : 0);
            }

            @Override
            public void missedInterval() {
                missedInterval.inc();
            }

            @Override
            public void syncDuration(Duration elapsed) {
                duration.observe(elapsed.toNanos() / 1e9);
            }
        };
    }

    @Override
    public void remove(String namespace, String name, String role) {
        Set<String> had = methods.remove(namespace + "/" + name + "/" + role);
        if (had == null) {
            return;
        }
        for (String method : had) {
            durations.remove(name, namespace, role, method);
            missed.remove(name, namespace, role, method);
            outOfSync.remove(name, namespace, role, method);
        }
    }
}
