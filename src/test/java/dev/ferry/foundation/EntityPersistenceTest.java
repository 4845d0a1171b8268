package dev.ferry.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.ferry.state.ModelEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;

/** Given the migrated PostgreSQL, when a model is persisted through Hibernate Reactive, then it reads back. */
@QuarkusTest
class EntityPersistenceTest {

    @Test
    @RunOnVertxContext
    void givenAModel_whenPersisted_thenItReadsBackInANewSession(UniAsserter asserter) {
        UUID uuid = UUID.randomUUID();
        asserter.execute(() -> Panache.withTransaction(() -> {
            ModelEntity model = new ModelEntity();
            model.uuid = uuid;
            model.name = "default";
            model.ownerTag = "user-admin";
            model.cloud = "lxd";
            return model.persist();
        }));
        asserter.assertThat(() -> Panache.withSession(() -> ModelEntity.<ModelEntity> findById(uuid)), found -> {
            assertThat(found).isNotNull();
            assertThat(found.name).isEqualTo("default");
            assertThat(found.ownerTag).isEqualTo("user-admin");
            assertThat(found.life).isEqualTo("alive");
            assertThat(found.cloud).isEqualTo("lxd");
        });
    }

    @Test
    @RunOnVertxContext
    void givenFerrysConnections_whenAStatementRuns_thenItIsPlannedForTheTablesAsTheyAreNow(UniAsserter asserter) {
        // Prepared statements are cached per connection; a plan cached for a small table must not outlive its growth.
        asserter.assertThat(() -> Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT current_setting('plan_cache_mode')", String.class).getSingleResult())),
                mode -> assertThat(mode).isEqualTo("force_custom_plan"));
    }
}
