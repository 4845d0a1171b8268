package dev.ferry.state;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Applies the Flyway migrations at start-up and, while the database is unreachable, again every few seconds.
 * Failing softly on purpose: the readiness check reports the reason instead of the process dying in a crash loop.
 * Nothing may use the tables before the schema is current ({@link #whenCurrent()}): besides tables not there yet, a
 * statement prepared on a pooled connection against a table that a migration then alters fails on that connection
 * for good ("cached plan must not change result type").
 */
@ApplicationScoped
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);

    private final Flyway flyway;
    private final String jdbcUrl;
    private final AtomicReference<String> problem = new AtomicReference<>("schema not migrated yet");
    private final CompletableFuture<Void> current = new CompletableFuture<>();

    public SchemaMigrator(Flyway flyway, @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl) {
        this.flyway = flyway;
        this.jdbcUrl = jdbcUrl;
    }

    void onStart(@Observes StartupEvent event) {
        migrate();
    }

    @Scheduled(every = "${ferry.database.migrate-retry-interval:10s}", delay = 10, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryWhileFailing() {
        if (problem.get() != null) {
            migrate();
        }
    }

    /** Null once the schema is current; otherwise why it is not. */
    public String problem() {
        return problem.get();
    }

    /** Completes once the schema is current (at once if it is); never fails: it waits for the next attempt. */
    public Uni<Void> whenCurrent() {
        if (current.isDone()) {
            return Uni.createFrom().voidItem();
        }
        // A copy: a subscriber that cancels must not cancel everyone's wait.
        return Uni.createFrom().completionStage(current::copy);
    }

    synchronized void migrate() {
        if (problem.get() == null) {
            return;
        }
        long begin = System.nanoTime();
        try {
            var result = flyway.migrate();
            problem.set(null);
            current.complete(null);
            LOG.infof("Database schema at version %s (%d migrations applied in %d ms)",
                    flyway.info().current() == null ? "none" : flyway.info().current().getVersion(),
                    result.migrationsExecuted, Duration.ofNanos(System.nanoTime() - begin).toMillis());
        } catch (RuntimeException e) {
            String reason = "cannot migrate the database at quarkus.datasource.jdbc.url=" + jdbcUrl + ": "
                    + rootMessage(e);
            problem.set(reason);
            LOG.error(reason);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
