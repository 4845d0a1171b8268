package dev.ferry.rpc.ledger;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import dev.ferry.rpc.RpcConfig;
import dev.ferry.state.SchemaMigrator;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Keeps the idempotency ledger bounded: forgets requests older than {@code ferry.rpc.ledger-retention}. */
@ApplicationScoped
public class LedgerJanitor {

    private static final Logger LOG = Logger.getLogger(LedgerJanitor.class);

    private final Mutiny.SessionFactory sessions;
    private final RequestLedger ledger;
    private final RpcConfig config;
    private final SchemaMigrator schema;

    public LedgerJanitor(Mutiny.SessionFactory sessions, RequestLedger ledger, RpcConfig config,
            SchemaMigrator schema) {
        this.sessions = sessions;
        this.ledger = ledger;
        this.config = config;
        this.schema = schema;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetOldRequests() {
        if (schema.problem() != null) {
            return Uni.createFrom().voidItem();
        }
        return sessions.withTransaction(session -> ledger.forgetOlderThan(session, config.ledgerRetention().toSeconds()))
                .invoke(count -> {
                    if (count > 0) {
                        LOG.debugf("Forgot %d answered requests older than %s", count, config.ledgerRetention());
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("Ledger clean-up failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
