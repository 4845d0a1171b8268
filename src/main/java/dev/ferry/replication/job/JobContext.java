package dev.ferry.replication.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

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

    /** A command's exit code with its standard output and its standard error apart. */
    record Captured(int code, String stdout, String stderr) {
        public boolean ok() {
            return code == 0;
        }
    }

    /** Runs a command and returns its standard output (stderr goes to the job log); null on a non-zero exit. */
    default String capture(List<String> command, Map<String, String> env, Path workingDirectory) throws Exception {
        Captured captured = captureAll(command, env, workingDirectory);
        return captured.ok() ? captured.stdout() : null;
    }

    /** Runs a command, keeping its standard output apart (stderr also goes to the job log). */
    Captured captureAll(List<String> command, Map<String, String> env, Path workingDirectory) throws Exception;

    void log(String line);

    /** Runs part of the script beside the rest (its processes belong to this attempt, as the rest's do). */
    <T> Future<T> fork(Callable<T> part);

    /** Waits without holding anything; false when the job was deleted meanwhile. */
    boolean pause(Duration delay) throws InterruptedException;

    /** A private scratch directory of this attempt (the container's {@code /tmp}), removed afterwards. */
    Path tmp();
}
