package dev.ferry.rpc;

import java.time.Clock;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.ferry.stream.KafkaClientProperties;
import dev.ferry.stream.LaneGroup;
import dev.ferry.stream.LaneSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Starts the exactly-once lanes that consume {@code juju.rpc.requests} when the application starts. */
@ApplicationScoped
public class RpcLanes {

    private final LaneGroup lanes;

    public RpcLanes(RpcConfig config, RpcRequestProcessor processor, MeterRegistry registry, Config mpConfig,
            @ConfigProperty(name = "ferry.topics.rpc-requests") String topic) {
        this.lanes = new LaneGroup(new LaneSettings("rpc", topic, config.groupId(),
                KafkaClientProperties.instanceId(config.instanceId()), config.lanes(), config.maxBatch(),
                config.pollTimeout(), config.processTimeout(), KafkaClientProperties.from(mpConfig)), processor, registry);
    }

    void onStart(@Observes StartupEvent event) {
        lanes.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        lanes.stop();
    }

    public LaneGroup lanes() {
        return lanes;
    }

    /** The clock requests are judged by; one place so tests and code agree. */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
