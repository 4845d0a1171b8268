package dev.ferry.state.events;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.ferry.rpc.RpcConfig;
import dev.ferry.stream.KafkaClientProperties;
import dev.ferry.stream.LaneGroup;
import dev.ferry.stream.LaneSettings;
import dev.ferry.stream.ManagedLanes;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** Consumes {@code juju.model.events} with one exactly-once lane (events are ordered per model, and rarer). */
@Singleton
public class ModelEventLanes extends ManagedLanes {

    public ModelEventLanes(RpcConfig config, ModelEventProcessor processor, MeterRegistry registry, Config mpConfig,
            @ConfigProperty(name = "ferry.topics.model-events") String topic,
            @ConfigProperty(name = "ferry.model-events.lanes", defaultValue = "1") int laneCount) {
        super(new LaneGroup(new LaneSettings("model-events", topic, "ferry-model-events",
                KafkaClientProperties.instanceId(config.instanceId()), laneCount, config.maxBatch(),
                config.pollTimeout(), config.processTimeout(), KafkaClientProperties.from(mpConfig)), processor,
                registry));
    }
}
