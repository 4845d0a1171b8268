package dev.ferry.devservices;

import java.util.Map;

/** The Quarkus datasource keys for one PostgreSQL server: the reactive URL for the app, JDBC for Flyway. */
final class DatasourceProperties {

    private DatasourceProperties() {
    }

    static Map<String, String> of(String host, int port, String database, String user, String password) {
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + host + ":" + port + "/" + database,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + host + ":" + port + "/" + database,
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password);
    }
}
