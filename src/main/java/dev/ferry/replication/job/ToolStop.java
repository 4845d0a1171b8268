package dev.ferry.replication.job;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * Stops a job's tools as a pod's termination would, then for good: each tool gets SIGINT (the signal every mover tool
 * cleans up on; restic before 0.17 ignores SIGTERM's chance to), its children SIGINT once it has ended (a restic
 * still needs its backend's process, an {@code rclone serve}, to remove its lock; an rsync daemon's connections
 * remove their partial files), and whatever still runs after {@code grace} is killed. A killed rsync leaves its
 * partial files in the volume.
 */
final class ToolStop {

    private static final Logger LOG = Logger.getLogger(ToolStop.class);

    private final Optional<String> kill;
    private final Duration grace;
    private final ScheduledExecutorService timer;

    private ToolStop(Optional<String> kill, Duration grace, ScheduledExecutorService timer) {
        this.kill = kill;
        this.grace = grace;
        this.timer = timer;
    }

    /** Finds {@code kill} (procps or util-linux); without it the tools get SIGTERM. */
    static ToolStop detect(Duration grace, ScheduledExecutorService timer) {
        Optional<String> kill = ParentDeathSignal.onPath("kill");
        if (kill.isEmpty()) {
            LOG.warn("No kill command on the search path: stopped mover tools get SIGTERM instead of SIGINT");
        }
        return new ToolStop(kill, grace, timer);
    }

    Duration grace() {
        return grace;
    }

    /**
     * Interrupts the tools (each one's children once it has ended) and schedules the kill of those still running
     * after the grace; every process it stops, for the caller to wait on.
     */
    List<ProcessHandle> stop(List<ProcessHandle> tools) {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle tool : tools) {
            List<ProcessHandle> children = tool.descendants().toList();
            all.add(tool);
            all.addAll(children);
            tool.onExit().thenRun(() -> {
                List<ProcessHandle> left = children.stream().filter(ProcessHandle::isAlive).toList();
                if (!left.isEmpty()) {
                    interrupt(left);
                }
            });
        }
        if (all.isEmpty()) {
            return all;
        }
        interrupt(tools);
        try {
            timer.schedule(() -> all.stream().filter(ProcessHandle::isAlive).forEach(p -> {
                LOG.debugf("pid %d still running %s after SIGINT: killed", p.pid(), grace);
                p.destroyForcibly();
            }), grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: the runner's close waits for them and kills what outlives the grace.
            LOG.debug("tools' kill not scheduled: shutting down");
        }
        return all;
    }

    private void interrupt(List<ProcessHandle> processes) {
        if (kill.isPresent()) {
            List<String> command = Stream.concat(Stream.of(kill.get(), "-s", "INT", "--"),
                    processes.stream().map(p -> Long.toString(p.pid()))).toList();
            try {
                // Some may have ended meanwhile: kill then reports them and goes on with the others.
                Process signal = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (signal.waitFor(5, TimeUnit.SECONDS)) {
                    return;
                }
                signal.destroyForcibly();
            } catch (IOException e) {
                LOG.debugf("kill -s INT failed (%s): SIGTERM instead", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.forEach(ProcessHandle::destroy);
    }
}
