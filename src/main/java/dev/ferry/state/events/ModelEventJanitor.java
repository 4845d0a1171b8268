package dev.ferry.state.events;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import dev.ferry.state.SchemaMigrator;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps the model-event ledger and verdicts bounded: forgets applied event ids and dead-letter verdicts older than
 * {@code ferry.model-events.retention}. Once the topic has dropped a record, nothing can deliver it again, so its
 * memory only guards against a producer re-sending an event id that long after.
 */
@ApplicationScoped
public class ModelEventJanitor {

    private static final Logger LOG = Logger.getLogger(ModelEventJanitor.class);
    private static final String FORGET_APPLIED = """
            DELETE FROM model_event_ledger WHERE applied_at < now() - CAST(CAST(:age AS text) AS interval)""";
    private static final String FORGET_VERDICTS = """
            DELETE FROM model_event_verdicts WHERE decided_at < now() - CAST(CAST(:age AS text) AS interval)""";

    private final Mutiny.SessionFactory sessions;
    private final SchemaMigrator schema;
    private final Duration retention;

    public ModelEventJanitor(Mutiny.SessionFactory sessions, SchemaMigrator schema,
            @ConfigProperty(name = "ferry.model-events.retention", defaultValue = "30d") Duration retention) {
        this.sessions = sessions;
        this.schema = schema;
        this.retention = retention;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetOldEvents() {
        if (schema.problem() != null) {
            return Uni.createFrom().voidItem();
        }
        String age = retention.toSeconds() + " seconds";
        return sessions.withTransaction(session -> forget(session, FORGET_APPLIED, age)
                .flatMap(applied -> forget(session, FORGET_VERDICTS, age).invoke(verdicts -> {
                    if (applied + verdicts > 0) {
                        LOG.debugf("Forgot %d applied event ids and %d verdicts older than %s", applied, verdicts,
                                retention);
                    }
                })))
                .onFailure().invoke(e -> LOG.warnf("Model-event ledger clean-up failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static Uni<Integer> forget(Mutiny.Session session, String statement, String age) {
        return session.createNativeQuery(statement).setParameter("age", age).executeUpdate();
    }
}
