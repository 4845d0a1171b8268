package dev.ferry.health;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.ferry.state.SchemaMigrator;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/** Ready when PostgreSQL answers on the reactive URL and the schema is migrated; otherwise DOWN with why. */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements AsyncHealthCheck {

    private static final String NAME = "PostgreSQL";

    private final Pool pool;
    private final SchemaMigrator migrator;
    private final String url;

    public DatabaseReadinessCheck(Pool pool, SchemaMigrator migrator,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url) {
        this.pool = pool;
        this.migrator = migrator;
        this.url = url;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("SELECT 1").execute()
                .ifNoItem().after(Duration.ofSeconds(3)).failWith(() -> new IllegalStateException("no answer in 3 s"))
                .map(rows -> {
                    String problem = migrator.problem();
                    return problem == null
                            ? HealthCheckResponse.named(NAME).up().withData("url", url).build()
                            : HealthCheckResponse.named(NAME).down().withData("reason", problem).build();
                })
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down()
                        .withData("reason", "PostgreSQL at quarkus.datasource.reactive.url=" + url
                                + " is unreachable: " + e.getMessage())
                        .build());
    }
}
