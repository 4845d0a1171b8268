package dev.ferry.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

/** Runs {@code lanes} exactly-once lanes for one topic, each on its own thread; they share the topic's partitions. */
public final class LaneGroup {

    private static final Logger LOG = Logger.getLogger(LaneGroup.class);

    private final LaneSettings settings;
    private final List<ExactlyOnceLane> lanes = new ArrayList<>();

    public LaneGroup(LaneSettings settings, BatchProcessor processor, MeterRegistry registry) {
        this.settings = settings;
        for (int i = 0; i < settings.lanes(); i++) {
            lanes.add(new ExactlyOnceLane(settings, i, processor, registry));
        }
    }

    public void start() {
        for (int i = 0; i < lanes.size(); i++) {
            Thread thread = new Thread(lanes.get(i), "ferry-" + settings.name() + "-lane-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        LOG.infof("Consuming %s with %d exactly-once lane(s), group %s", settings.topic(), lanes.size(),
                settings.groupId());
    }

    public void stop() {
        lanes.forEach(ExactlyOnceLane::stop);
        for (ExactlyOnceLane lane : lanes) {
            try {
                lane.awaitFinished(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public boolean allRunning() {
        return lanes.stream().allMatch(ExactlyOnceLane::isRunning);
    }

    public String name() {
        return settings.name();
    }
}
