package dev.ferry.replication.job;

/** What a mover Job runs (the local counterpart of a mover container's entry script): returns the exit code. */
@FunctionalInterface
public interface JobScript {

    int run(JobContext context) throws Exception;
}
