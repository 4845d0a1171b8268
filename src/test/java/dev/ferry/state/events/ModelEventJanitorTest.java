package dev.ferry.state.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

import dev.ferry.state.NativeSql;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;

/**
 * The janitor forgets applied event ids and verdicts older than the retention (30 days by default, the event topic's),
 * not newer ones.
 */
@QuarkusTest
class ModelEventJanitorTest {

    private static final String APPLIED = """
            INSERT INTO model_event_ledger (event_id, applied_at)
            VALUES (:id, now() - CAST(CAST(:age AS text) AS interval))""";
    private static final String IS_APPLIED = "SELECT count(*) FROM model_event_ledger WHERE event_id = :id";
    private static final String REFUSED = """
            INSERT INTO model_event_verdicts (topic, kafka_partition, kafka_offset, record_digest, reason, decided_at)
            VALUES (:topic, 0, :offset, 'digest', 'refused', now() - CAST(CAST(:age AS text) AS interval))""";
    private static final String HAS_VERDICT = """
            SELECT count(*) FROM model_event_verdicts WHERE topic = :topic AND kafka_offset = :offset""";

    @Inject
    ModelEventJanitor janitor;
    @Inject
    Mutiny.SessionFactory sessions;

    @Test
    void appliedIdsAndVerdictsOlderThanTheRetentionAreForgotten_newerOnesKept() throws Throwable {
        String old = UUID.randomUUID().toString();
        String recent = UUID.randomUUID().toString();
        String topic = "juju.model.events.janitor-" + UUID.randomUUID();
        NativeSql.update(sessions, APPLIED, Map.of("id", old, "age", "31 days"));
        NativeSql.update(sessions, APPLIED, Map.of("id", recent, "age", "29 days"));
        NativeSql.update(sessions, REFUSED, Map.of("topic", topic, "offset", 1L, "age", "31 days"));
        NativeSql.update(sessions, REFUSED, Map.of("topic", topic, "offset", 2L, "age", "29 days"));

        VertxContextSupport.subscribeAndAwait(janitor::forgetOldEvents);

        assertThat(NativeSql.count(sessions, IS_APPLIED, Map.of("id", old))).as("applied 31 days ago").isZero();
        assertThat(NativeSql.count(sessions, IS_APPLIED, Map.of("id", recent))).as("applied 29 days ago").isOne();
        assertThat(NativeSql.count(sessions, HAS_VERDICT, Map.of("topic", topic, "offset", 1L)))
                .as("refused 31 days ago").isZero();
        assertThat(NativeSql.count(sessions, HAS_VERDICT, Map.of("topic", topic, "offset", 2L)))
                .as("refused 29 days ago").isOne();
    }
}
