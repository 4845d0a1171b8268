package dev.ferry.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.client.RpcResponse;
import dev.ferry.rpc.FerryProcess;
import dev.ferry.replication.support.RcloneToLocalPath;
import dev.ferry.rpc.JujuWorld;

/**
 * Given records waiting on the input topics and a database one migration behind that cannot be migrated yet (the
 * schema history is locked, as by another instance migrating), the packaged application leaves the tables alone until
 * its migrations have run: then the model event is applied and the ReplicationSource stored and synced. Touching them
 * before, the ReplicationSource's statements would be prepared against the old table and fail for good on its
 * pooled connection once the migration has changed it.
 */
class FreshDatabaseStartIT {

    /** The last migration before replication_objects.uid became text. */
    private static final String BEFORE_UID_TEXT = "5";

    @Test
    void recordsWaitingWhileTheSchemaCannotBeMigrated_areProcessedOnceItIs() throws Exception {
        RcloneToLocalPath replication = new RcloneToLocalPath("fresh");
        Map<String, String> settings = replication.settings("fresh-test");

        try (FerryProcess ferry = new FerryProcess(settings);
                JujuWorld world = new JujuWorld(ferry.bootstrapServers())) {
            Map<String, String> database = databaseAt(BEFORE_UID_TEXT, ferry.services());
            world.event("model", "added", Map.of("name", "fresh-" + world.model.substring(0, 8), "owner-tag",
                    JujuWorld.ADMIN, "cloud", "lxd"));
            world.event("machine", "added", Map.of("machine-id", "0", "base", "ubuntu@22.04"));
            // A uid that the table of the older schema (uuid) takes too: it would be stored before the migration.
            replication.publishSource(ferry.bootstrapServers(), "app", UUID.randomUUID().toString());

            String jdbc = database.get("quarkus.datasource.jdbc.url");
            try (Connection lock = DriverManager.getConnection(jdbc, ferry.services().get("quarkus.datasource.username"),
                    ferry.services().get("quarkus.datasource.password"))) {
                lock.setAutoCommit(false);
                try (Statement statement = lock.createStatement()) {
                    statement.execute("LOCK TABLE flyway_schema_history IN ACCESS EXCLUSIVE MODE");
                }
                ferry.start(database);
                // Long enough for Ferry to start, join its groups and fetch the records (about 2 s here).
                Thread.sleep(8_000);
                try (Statement statement = lock.createStatement();
                        ResultSet rows = statement.executeQuery("SELECT count(*) FROM replication_objects")) {
                    rows.next();
                    assertThat(rows.getLong(1)).as("objects stored before the schema is current").isZero();
                }
                lock.rollback();
            }

            Awaitility.await().atMost(JujuWorld.WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                RpcResponse answer = world.call(world.controller(), "Life",
                        Map.of("entities", List.of(Map.of("tag", "machine-0"))));
                return !answer.isError() && answer.response().path("results").get(0).path("life").asText()
                        .equals("alive");
            });
            JsonNode status = replication.awaitSynced(ferry.bootstrapServers(), "app", JujuWorld.WAIT);
            assertThat(status.path("status").path("latestMoverStatus").path("result").asText())
                    .isEqualTo("Successful");
            assertThat(replication.remote("app").resolve("file")).hasContent("payload");
            assertThat(ferry.log()).as("no record met the tables before the migrations (Ferry's warnings)")
                    .doesNotContain("WARN  [dev.ferry").doesNotContain("ERROR");
            // Leaving its consumer groups, so that the next test's Ferry does not wait out this one's session.
            ferry.stop();
        }
    }

    /** A database of its own on the same server, migrated up to {@code version}. */
    private static Map<String, String> databaseAt(String version, Map<String, String> services) throws Exception {
        String jdbc = services.get("quarkus.datasource.jdbc.url");
        String name = "ferry_fresh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(jdbc, services.get("quarkus.datasource.username"),
                services.get("quarkus.datasource.password")); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        String freshJdbc = jdbc.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        Flyway.configure().dataSource(freshJdbc, services.get("quarkus.datasource.username"),
                services.get("quarkus.datasource.password")).locations("classpath:db/migration").target(version)
                .load().migrate();
        return Map.of("quarkus.datasource.jdbc.url", freshJdbc,
                "quarkus.datasource.reactive.url", freshJdbc.substring("jdbc:".length()));
    }
}
