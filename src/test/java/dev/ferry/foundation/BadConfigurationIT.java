package dev.ferry.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Given the packaged application pointed at a broker and a database that do not answer, it starts anyway, names
 * each unreachable service with its configuration key in the log, and reports readiness DOWN with the reasons.
 */
class BadConfigurationIT {

    @Test
    void unreachableBrokerAndDatabaseAreNamedInTheLogAndInReadiness() throws Exception {
        int deadKafkaPort = freePort();
        int deadDbPort = freePort();
        int httpPort = freePort();
        Path log = Files.createTempFile("ferry-bad-config", ".log");
        Process ferry = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkafka.bootstrap.servers=127.0.0.1:" + deadKafkaPort,
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:" + deadDbPort + "/ferry",
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:" + deadDbPort + "/ferry",
                "-Dquarkus.datasource.username=ferry", "-Dquarkus.datasource.password=ferry",
                "-Dquarkus.http.port=" + httpPort,
                "-jar", "target/quarkus-app/quarkus-run.jar"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(15)).build();
            HttpResponse<String>[] answer = new HttpResponse[1];
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> {
                        answer[0] = http.send(ready, HttpResponse.BodyHandlers.ofString());
                        return answer[0].body().contains("kafka.bootstrap.servers")
                                && answer[0].body().contains("quarkus.datasource");
                    });
            assertThat(answer[0].statusCode()).isEqualTo(503);
            assertThat(answer[0].body()).contains("\"status\": \"DOWN\"")
                    .contains("kafka.bootstrap.servers=127.0.0.1:" + deadKafkaPort)
                    .contains("quarkus.datasource.reactive.url=postgresql://127.0.0.1:" + deadDbPort);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                String text = Files.readString(log);
                return text.contains("kafka.bootstrap.servers=127.0.0.1:" + deadKafkaPort)
                        && text.contains("quarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:" + deadDbPort);
            });
            assertThat(ferry.isAlive()).as("an unreachable dependency must not crash the service").isTrue();
        } finally {
            ferry.destroy();
            if (!ferry.waitFor(20, TimeUnit.SECONDS)) {
                ferry.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
