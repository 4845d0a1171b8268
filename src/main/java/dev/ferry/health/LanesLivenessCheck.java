package dev.ferry.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import dev.ferry.stream.ManagedLanes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/** Live while every exactly-once lane (RPC requests, model events) is running; a dead lane means a restart is due. */
@Liveness
@ApplicationScoped
public class LanesLivenessCheck implements HealthCheck {

    private final Instance<ManagedLanes> lanes;

    public LanesLivenessCheck(Instance<ManagedLanes> lanes) {
        this.lanes = lanes;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Ferry lanes").up();
        for (ManagedLanes group : lanes) {
            if (!group.lanes().started()) {
                // Not stuck: waiting for the schema, whose reason readiness gives; a restart would not help.
                response.withData(group.lanes().name(), "waiting for the database schema");
                continue;
            }
            boolean running = group.lanes().allRunning();
            response.withData(group.lanes().name(), running ? "running" : "stopped");
            if (!running) {
                response.down();
            }
        }
        return response.build();
    }
}
