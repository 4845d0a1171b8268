package dev.ferry.replication.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a running {@link JobScript} may do: run processes (their output goes to the job's log) and log lines. */
public interface JobContext {

    /** The end of a command: its exit code and (the tail of) its combined output. */
    record Exit(int code, String output) {
        public boolean ok() {
            return code == 0;
        }
    }

    /** Runs a command to its end, output appended to the job log. */
    Exit exec(List<String> command, Map<String, String> env, Path workingDirectory) throws Exception;

    /** Runs a command and returns its standard output (stderr goes to the job log); null on a non-zero exit. */
    String capture(List<String> command, Map<String, String> env, Path workingDirectory) throws Exception;

    void log(String line);

    /** Waits without holding anything; false when the job was deleted meanwhile. */
    boolean pause(Duration delay) throws InterruptedException;

    /** A private scratch directory of this attempt (the container's {@code /tmp}), removed afterwards. */
    Path tmp();
}
