package dev.ferry.state;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Drops one known, harmless error of the reactive SQL client (vertx-sql-client issue 1706): when the pool cannot
 * open a connection (the database is away), the statement fails at once, and the pool's acquisition timer, left
 * running, fails the same promise again 30 s later. Vert.x reports that second failure as an uncaught
 * {@code IllegalStateException} with a stack trace, one per failed statement: during an outage they would bury the
 * messages that matter. Only that exception, thrown from the pool's timer, is dropped.
 */
@LoggingFilter(name = "sql-pool-timer")
public final class SqlPoolTimerFilter implements Filter {

    private static final String ALREADY_COMPLETE = "Result is already complete";
    private static final String POOL = "io.vertx.sqlclient.impl.pool.SqlConnectionPool";
    /** How deep in the stack the pool's frame may be: Promise.fail is on top of it. */
    private static final int FRAMES = 3;

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable thrown = record.getThrown();
        if (!(thrown instanceof IllegalStateException) || !ALREADY_COMPLETE.equals(thrown.getMessage())) {
            return true;
        }
        StackTraceElement[] stack = thrown.getStackTrace();
        for (int i = 0; i < Math.min(FRAMES, stack.length); i++) {
            if (stack[i].getClassName().equals(POOL) && stack[i].getMethodName().startsWith("lambda$execute")) {
                return false;
            }
        }
        return true;
    }
}
