package dev.ferry.devservices;

import java.io.IOException;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** An embedded PostgreSQL server (zonky's binaries, a real postgres process) for dev mode and tests. */
final class EmbeddedPostgresServer implements ManagedService {

    private final int requestedPort;
    private EmbeddedPostgres postgres;

    EmbeddedPostgresServer(int requestedPort) {
        this.requestedPort = requestedPort;
    }

    @Override
    public Map<String, String> start() throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (requestedPort > 0) {
            builder.setPort(requestedPort);
        }
        postgres = builder.start();
        return DatasourceProperties.of("localhost", postgres.getPort(), "postgres", "postgres", "postgres");
    }

    @Override
    public String describe() {
        return "embedded PostgreSQL on port " + (postgres == null ? "?" : postgres.getPort());
    }

    @Override
    public void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                // the process is gone with the JVM anyway
            }
        }
    }
}
