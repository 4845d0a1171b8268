package dev.ferry.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

/** Runs {@code lanes} exactly-once lanes for one topic, each on its own thread; they share the topic's partitions. */
public final class LaneGroup {

    private static final Logger LOG = Logger.getLogger(LaneGroup.class);

    private final LaneSettings settings;
    private final List<ExactlyOnceLane> lanes = new ArrayList<>();
    private boolean started;
    private boolean stopped;

    public LaneGroup(LaneSettings settings, BatchProcessor processor, MeterRegistry registry) {
        this.settings = settings;
        for (int i = 0; i < settings.lanes(); i++) {
            lanes.add(new ExactlyOnceLane(settings, i, processor, registry));
        }
    }

    /** Starts the lanes, unless they were stopped before (a start that comes during shutdown). */
    public synchronized void start() {
        if (started || stopped) {
            return;
        }
        started = true;
        for (int i = 0; i < lanes.size(); i++) {
            Thread thread = new Thread(lanes.get(i), "ferry-" + settings.name() + "-lane-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        LOG.infof("Consuming %s with %d exactly-once lane(s), group %s", settings.topic(), lanes.size(),
                settings.groupId());
    }

    public void stop() {
        synchronized (this) {
            stopped = true;
            if (!started) {
                return;
            }
        }
        lanes.forEach(ExactlyOnceLane::stop);
        for (ExactlyOnceLane lane : lanes) {
            try {
                lane.awaitFinished(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // Each lane's consumer asked to leave as it closed; one whose group was rebalancing may not have.
        StaticMembers.leave(settings.kafka(), "ferry-" + settings.instanceId() + "-" + settings.name() + "-leave",
                Map.of(settings.groupId(), lanes.stream().map(ExactlyOnceLane::memberName).toList()));
    }

    /** False until {@link #start()}: the lanes wait for the database schema. */
    public synchronized boolean started() {
        return started;
    }

    public boolean allRunning() {
        return lanes.stream().allMatch(ExactlyOnceLane::isRunning);
    }

    public String name() {
        return settings.name();
    }
}
