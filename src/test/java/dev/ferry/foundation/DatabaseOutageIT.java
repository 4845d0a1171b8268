package dev.ferry.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.client.FerryClient;
import dev.ferry.client.RpcResponse;
import dev.ferry.replication.support.RcloneToLocalPath;
import dev.ferry.rpc.FerryProcess;
import dev.ferry.rpc.JujuWorld;

/**
 * The database goes away for longer than a minute while records arrive on every input: an RPC request, a model
 * event and a ReplicationSource. They wait, unacknowledged, with readiness DOWN and liveness UP (a restart would not
 * bring the database back); once it is reachable again each is processed, without restarting Ferry. A minute is the
 * Kafka connector's default limit on a record waiting for its acknowledgement, past which it would stop the channel.
 */
class DatabaseOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(75);
    private static final Duration AFTER = Duration.ofMinutes(2);
    private static final Pattern HOST_PORT = Pattern.compile("//([^:/]+):(\\d+)/");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void databaseUnreachableForMoreThanAMinute_waitingRecordsAreProcessedWhenItIsBack() throws Exception {
        RcloneToLocalPath replication = new RcloneToLocalPath("outage");
        Map<String, String> settings = replication.settings("outage-test");
        int httpPort = FerryProcess.freePort();

        try (FerryProcess ferry = new FerryProcess(settings);
                JujuWorld world = new JujuWorld(ferry.bootstrapServers());
                TcpProxy database = proxyTo(ferry.services().get("quarkus.datasource.jdbc.url"));
                FerryClient patient = FerryClient.builder().bootstrapServers(ferry.bootstrapServers())
                        .callerTag(JujuWorld.CONTROLLER).password(JujuWorld.CONTROLLER_PASSWORD)
                        .timeout(OUTAGE.plus(AFTER)).build()) {
            ferry.start(Map.of("quarkus.http.port", Integer.toString(httpPort),
                    "quarkus.datasource.jdbc.url", throughProxy(ferry.services().get("quarkus.datasource.jdbc.url"),
                            database.port()),
                    "quarkus.datasource.reactive.url", throughProxy(
                            ferry.services().get("quarkus.datasource.reactive.url"), database.port())));
            world.withModel().withMachines("0");
            Awaitility.await().atMost(JujuWorld.WAIT).until(() -> health(httpPort, "ready") == 200);

            database.cut();
            long cutAt = System.nanoTime();
            CompletableFuture<RpcResponse> life = patient.call(world.model, "Provisioner", 11, "Life",
                    Map.of("entities", List.of(Map.of("tag", "machine-0")))).subscribeAsCompletionStage();
            world.event("machine", "added", Map.of("machine-id", "1", "base", "ubuntu@22.04"));
            replication.publishSource(ferry.bootstrapServers(), "app", null);

            boolean sawNotReady = false;
            while (System.nanoTime() - cutAt < OUTAGE.toNanos()) {
                assertThat(health(httpPort, "live")).as("liveness while the database is away").isEqualTo(200);
                sawNotReady |= health(httpPort, "ready") == 503;
                Thread.sleep(1_000);
            }
            assertThat(sawNotReady).as("readiness DOWN while the database is away").isTrue();
            assertThat(life).as("no answer can be given without the database").isNotDone();
            database.restore();

            RpcResponse answer = life.get(AFTER.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.isError()).isFalse();
            assertThat(answer.response().path("results").get(0).path("life").asText()).isEqualTo("alive");
            Awaitility.await().atMost(AFTER).pollInterval(Duration.ofMillis(500)).until(() -> {
                RpcResponse machine1 = world.call(world.controller(), "Life",
                        Map.of("entities", List.of(Map.of("tag", "machine-1"))));
                return !machine1.isError() && machine1.response().path("results").get(0).path("life").asText()
                        .equals("alive");
            });
            JsonNode status = replication.awaitSynced(ferry.bootstrapServers(), "app", AFTER);
            assertThat(status.path("status").path("latestMoverStatus").path("result").asText())
                    .isEqualTo("Successful");
            assertThat(replication.remote("app").resolve("file")).hasContent("payload");
            Awaitility.await().atMost(JujuWorld.WAIT).until(() -> health(httpPort, "ready") == 200);
            assertThat(health(httpPort, "live")).isEqualTo(200);
            assertThat(ferry.log()).as("the outage is in the log, without the SQL pool's second report of each "
                    + "failed connection").contains("not stored yet: Connection refused")
                    .doesNotContain("Result is already complete");
            // Leaving its consumer groups, so that the next test's Ferry does not wait out this one's session.
            ferry.stop();
        }
    }

    private static TcpProxy proxyTo(String jdbcUrl) throws Exception {
        Matcher m = HOST_PORT.matcher(jdbcUrl);
        assertThat(m.find()).as("host and port in " + jdbcUrl).isTrue();
        return new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
    }

    private static String throughProxy(String url, int port) {
        return HOST_PORT.matcher(url).replaceFirst("//127.0.0.1:" + port + "/");
    }

    /** The status code of a health endpoint; 0 when it does not answer. */
    private int health(int port, String check) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + check))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }
}
