package dev.ferry.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Ready when the Kafka cluster at {@code kafka.bootstrap.servers} answers a describe-cluster call. Also probes once at
 * start-up so that a wrong or unreachable broker is named in the log right away, not only on the health endpoint.
 */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements AsyncHealthCheck {

    private static final Logger LOG = Logger.getLogger(KafkaReadinessCheck.class);
    private static final String NAME = "Kafka cluster";

    private final String bootstrapServers;
    private final AtomicBoolean reportedDown = new AtomicBoolean();
    private volatile Admin admin;

    public KafkaReadinessCheck(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes StartupEvent event) {
        call().subscribe().with(response -> {
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom()
                .completionStage(() -> admin().describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                        .clusterId().toCompletionStage())
                .map(clusterId -> {
                    if (reportedDown.compareAndSet(true, false)) {
                        LOG.infof("Kafka at kafka.bootstrap.servers=%s is reachable again", bootstrapServers);
                    }
                    return HealthCheckResponse.named(NAME).up().withData("cluster-id", clusterId)
                            .withData("bootstrap-servers", bootstrapServers).build();
                })
                .onFailure().recoverWithItem(e -> {
                    String reason = "Kafka at kafka.bootstrap.servers=" + bootstrapServers + " is unreachable: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage();
                    if (reportedDown.compareAndSet(false, true)) {
                        LOG.error(reason);
                    }
                    return HealthCheckResponse.named(NAME).down().withData("reason", reason).build();
                });
    }

    private Admin admin() {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                            AdminClientConfig.CLIENT_ID_CONFIG, "ferry-health"));
                }
                current = admin;
            }
        }
        return current;
    }
}
