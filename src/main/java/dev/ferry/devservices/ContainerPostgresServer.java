package dev.ferry.devservices;

import java.util.Map;

import org.testcontainers.postgresql.PostgreSQLContainer;

/** A PostgreSQL server in a Testcontainers container, used where a Docker engine answers. */
final class ContainerPostgresServer implements ManagedService {

    private final String image;
    private PostgreSQLContainer container;

    ContainerPostgresServer(String image) {
        this.image = image;
    }

    @Override
    public Map<String, String> start() {
        container = new PostgreSQLContainer(image);
        container.start();
        return DatasourceProperties.of(container.getHost(), container.getMappedPort(5432),
                container.getDatabaseName(), container.getUsername(), container.getPassword());
    }

    @Override
    public String describe() {
        return "PostgreSQL container " + image;
    }

    @Override
    public void close() {
        if (container != null) {
            container.stop();
        }
    }
}
