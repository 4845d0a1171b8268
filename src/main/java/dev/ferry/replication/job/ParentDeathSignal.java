package dev.ferry.replication.job;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * Ties a tool's life to Ferry's: a tool started through util-linux's {@code setpriv --pdeathsig KILL} is killed by
 * the kernel when the thread that started it ends, and so when Ferry's process ends without stopping it (killed,
 * out of memory). Otherwise such a tool lives on: an rsync daemon keeps its port and goes on accepting a source's
 * transfers that no Ferry records, and the instance taking the object over cannot listen there. A job's thread waits
 * for every process it starts, so no tool outlives its thread while Ferry runs. The connections an rsync daemon
 * forks do not inherit the signal: each ends with its transfer, whose completion no daemon is left to confirm.
 */
final class ParentDeathSignal {

    private static final Logger LOG = Logger.getLogger(ParentDeathSignal.class);

    private final Optional<String> setpriv;

    private ParentDeathSignal(Optional<String> setpriv) {
        this.setpriv = setpriv;
    }

    /** Finds a {@code setpriv} that takes {@code --pdeathsig}; without one, tools are started as they are. */
    static ParentDeathSignal detect() {
        Optional<String> found = onPath("setpriv").filter(ParentDeathSignal::works);
        if (found.isEmpty()) {
            LOG.warn("No setpriv with --pdeathsig (util-linux): a mover's tools may outlive a Ferry process killed "
                    + "without stopping them, until the next start of Ferry on this machine stops them");
        }
        return new ParentDeathSignal(found);
    }

    /** For tests: tools started as they are. */
    static ParentDeathSignal none() {
        return new ParentDeathSignal(Optional.empty());
    }

    boolean enabled() {
        return setpriv.isPresent();
    }

    /**
     * The command, started through {@code setpriv}. The tool is looked up here, on Ferry's search path as
     * {@link ProcessBuilder} would, so that a missing tool still fails to start the way it did; then it is left
     * as it is.
     */
    List<String> wrap(List<String> command) {
        if (setpriv.isEmpty() || command.isEmpty()) {
            return command;
        }
        Optional<String> tool = command.get(0).contains("/") ? Optional.of(command.get(0))
                .filter(t -> Files.isExecutable(Path.of(t))) : onPath(command.get(0));
        if (tool.isEmpty()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 4);
        wrapped.addAll(List.of(setpriv.get(), "--pdeathsig", "KILL", "--", tool.get()));
        wrapped.addAll(command.subList(1, command.size()));
        return wrapped;
    }

    static Optional<String> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null || name.isEmpty()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath().toString());
            }
        }
        return Optional.empty();
    }

    private static boolean works(String setpriv) {
        try {
            Process probe = new ProcessBuilder(setpriv, "--pdeathsig", "KILL", "--", "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
