package dev.ferry.replication.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/** VolSync's series as VolSync's Prometheus client exports them, and gone with their object. */
class PrometheusObjectMetricsTest {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final PrometheusObjectMetrics metrics = new PrometheusObjectMetrics(registry);

    static String labels(String method) {
        return "{obj_name=\"sw1\",obj_namespace=\"ns\",role=\"source\",method=\"" + method + "\"";
    }

    @Test
    void givenTwoSyncs_whenScraped_thenEachQuantileIsAnObservation() {
        metrics.forObject("ns", "sw1", "source", "rclone").syncDuration(Duration.ofMillis(1152));
        metrics.forObject("ns", "sw1", "source", "rclone").syncDuration(Duration.ofMillis(182_870));
        String scrape = registry.scrape();
        for (String quantile : List.of("0.5", "0.9", "0.99")) {
            assertThat(ReplicationKafkaTest.sample(scrape, "volsync_sync_duration_seconds" + labels("rclone")
                    + ",quantile=\"" + quantile + "\"}")).as("quantile %s", quantile).isIn("1.152", "182.87");
        }
        assertThat(ReplicationKafkaTest.sample(scrape, "volsync_sync_duration_seconds" + labels("rclone")
                + ",quantile=\"0.99\"}")).isEqualTo("182.87");
    }

    @Test
    void givenAnObjectThatChangedMover_whenDeletedAndCreatedAgain_thenNoSeriesOfTheOldIsLeft_andTheNewOnesMove() {
        metrics.forObject("ns", "sw1", "source", "rclone").outOfSync(false);
        metrics.forObject("ns", "sw1", "source", "rclone").syncDuration(Duration.ofSeconds(2));
        metrics.forObject("ns", "sw1", "source", "restic").missedInterval();
        metrics.remove("ns", "sw1", "source");
        assertThat(registry.scrape()).as("every method's series of the deleted object").doesNotContain("sw1");

        metrics.forObject("ns", "sw1", "source", "rclone").outOfSync(true);
        assertThat(ReplicationKafkaTest.sample(registry.scrape(), "volsync_volume_out_of_sync" + labels("rclone") + "}"))
                .as("the object created again").isEqualTo("1.0");
    }
}
