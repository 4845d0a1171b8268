package dev.ferry.rpc;

import java.time.Clock;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.ferry.stream.KafkaClientProperties;
import dev.ferry.stream.LaneGroup;
import dev.ferry.stream.LaneSettings;
import dev.ferry.stream.ManagedLanes;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Starts the exactly-once lanes that consume {@code juju.rpc.requests} when the application starts. */
@Singleton
public class RpcLanes extends ManagedLanes {

    public RpcLanes(RpcConfig config, RpcRequestProcessor processor, MeterRegistry registry, Config mpConfig,
            @ConfigProperty(name = "ferry.topics.rpc-requests") String topic) {
        super(new LaneGroup(new LaneSettings("rpc", topic, config.groupId(),
                KafkaClientProperties.instanceId(config.instanceId()), config.lanes(), config.maxBatch(),
                config.pollTimeout(), config.processTimeout(), KafkaClientProperties.from(mpConfig)), processor, registry));
    }

    /** The clock requests are judged by; one place so tests and code agree. */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
