package dev.ferry.rpc.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

import dev.ferry.state.NativeSql;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;

/** The janitor forgets answered requests older than the retention (7 days by default) and keeps the others. */
@QuarkusTest
class LedgerJanitorTest {

    private static final String INSERT = """
            INSERT INTO rpc_ledger (caller, correlation_id, response, answered_at)
            VALUES (:caller, :id, '{}', now() - CAST(CAST(:age AS text) AS interval))""";
    private static final String COUNT = "SELECT count(*) FROM rpc_ledger WHERE caller = :caller AND correlation_id = :id";

    @Inject
    LedgerJanitor janitor;
    @Inject
    Mutiny.SessionFactory sessions;

    @Test
    void answersOlderThanTheRetentionAreForgotten_newerOnesKept() throws Throwable {
        String caller = "machine-" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 100_000);
        String old = UUID.randomUUID().toString();
        String recent = UUID.randomUUID().toString();
        answered(caller, old, "8 days");
        answered(caller, recent, "6 days");

        VertxContextSupport.subscribeAndAwait(janitor::forgetOldRequests);

        assertThat(stored(caller, old)).as("answered 8 days ago").isZero();
        assertThat(stored(caller, recent)).as("answered 6 days ago").isOne();
    }

    private void answered(String caller, String id, String age) throws Throwable {
        NativeSql.update(sessions, INSERT, Map.of("caller", caller, "id", id, "age", age));
    }

    private long stored(String caller, String id) throws Throwable {
        return NativeSql.count(sessions, COUNT, Map.of("caller", caller, "id", id));
    }
}
