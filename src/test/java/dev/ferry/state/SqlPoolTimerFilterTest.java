package dev.ferry.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

class SqlPoolTimerFilterTest {

    private final SqlPoolTimerFilter filter = new SqlPoolTimerFilter();

    @Test
    void thePoolTimersSecondFailureIsDropped() {
        assertThat(filter.isLoggable(uncaught(new IllegalStateException("Result is already complete"),
                frame("io.vertx.core.Promise", "fail"),
                frame("io.vertx.sqlclient.impl.pool.SqlConnectionPool", "lambda$execute$3"),
                frame("io.vertx.core.impl.VertxImpl$InternalTimerHandler", "handle")))).isFalse();
    }

    @Test
    void theSameMessageFromElsewhere_otherPoolErrors_andPlainMessagesAreKept() {
        assertThat(filter.isLoggable(uncaught(new IllegalStateException("Result is already complete"),
                frame("io.vertx.core.Promise", "fail"), frame("dev.ferry.stream.ExactlyOnceLane", "process")))).isTrue();
        assertThat(filter.isLoggable(uncaught(new IllegalStateException("Connection pool closed"),
                frame("io.vertx.sqlclient.impl.pool.SqlConnectionPool", "lambda$execute$3")))).isTrue();
        assertThat(filter.isLoggable(uncaught(new IllegalArgumentException("Result is already complete"),
                frame("io.vertx.sqlclient.impl.pool.SqlConnectionPool", "lambda$execute$3")))).isTrue();
        assertThat(filter.isLoggable(new LogRecord(Level.SEVERE, "Result is already complete"))).isTrue();
    }

    @Test
    void aPoolFrameDeepInTheStackIsNotTheTimer() {
        assertThat(filter.isLoggable(uncaught(new IllegalStateException("Result is already complete"),
                frame("a.B", "c"), frame("a.B", "d"), frame("a.B", "e"),
                frame("io.vertx.sqlclient.impl.pool.SqlConnectionPool", "lambda$execute$3")))).isTrue();
    }

    private static LogRecord uncaught(Throwable thrown, StackTraceElement... stack) {
        thrown.setStackTrace(stack);
        LogRecord record = new LogRecord(Level.SEVERE, "Uncaught exception received by Vert.x");
        record.setThrown(thrown);
        return record;
    }

    private static StackTraceElement frame(String type, String method) {
        return new StackTraceElement(type, method, null, -1);
    }
}
