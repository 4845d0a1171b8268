package dev.ferry.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.ferry.devservices.DevServicesConfigSourceFactory;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;

/**
 * The packaged application as a child process, for tests that must kill it or measure it from outside, pointed at
 * the broker and database Ferry's dev services start in the test JVM (or at external ones given as system
 * properties {@code bench.kafka} and {@code bench.jdbc-url}).
 */
public final class FerryProcess implements AutoCloseable {

    private final Map<String, String> services;
    private final Map<String, String> settings;
    private final Path log;
    private Process process;
    private int starts;

    public FerryProcess(Map<String, String> settings) throws IOException {
        this.services = brokerAndDatabase();
        this.settings = settings;
        this.log = Files.createTempFile("ferry-child", ".log");
    }

    /** What the child process printed, over all its starts. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    public String bootstrapServers() {
        return services.get("kafka.bootstrap.servers");
    }

    public Map<String, String> services() {
        return services;
    }

    public FerryProcess start(Map<String, String> extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + freePort(),
                "-Dferry.auth.admin-password=" + JujuWorld.ADMIN_PASSWORD,
                "-Dferry.auth.controller-agent-password=" + JujuWorld.CONTROLLER_PASSWORD));
        String jvmArgs = System.getProperty("bench.jvm-args", "");
        if (!jvmArgs.isBlank()) {
            // {n} numbers the starts, e.g. one flight recording per run: -XX:StartFlightRecording=filename=f-{n}.jfr
            command.addAll(List.of(jvmArgs.replace("{n}", Integer.toString(++starts)).trim().split("\\s+")));
        }
        services.forEach((key, value) -> command.add("-D" + key + "=" + value));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        extra.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    /** SIGKILL: no shutdown hook, no graceful close, exactly like a crashed pod. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the process is frozen (no CPU, no heartbeats) until {@link #resume()}; for benchmarks. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    public long pid() {
        return process.pid();
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    /** SIGTERM and wait: a graceful stop. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static Map<String, String> brokerAndDatabase() {
        String kafka = System.getProperty("bench.kafka");
        String jdbc = System.getProperty("bench.jdbc-url");
        Map<String, String> config = new HashMap<>();
        if (kafka != null) {
            config.put("kafka.bootstrap.servers", kafka);
        }
        if (jdbc != null) {
            config.put("quarkus.datasource.jdbc.url", jdbc);
            config.put("quarkus.datasource.reactive.url", jdbc.substring("jdbc:".length()));
            config.put("quarkus.datasource.username", System.getProperty("bench.db-user", "ferry"));
            config.put("quarkus.datasource.password", System.getProperty("bench.db-password", "ferry"));
        }
        ConfigSourceContext context = new ConfigSourceContext() {
            @Override
            public ConfigValue getValue(String name) {
                String value = config.get(name);
                return value == null ? null : ConfigValue.builder().withName(name).withValue(value).build();
            }

            @Override
            public Iterator<String> iterateNames() {
                return config.keySet().iterator();
            }

            @Override
            public List<String> getProfiles() {
                return List.of("test");
            }
        };
        for (ConfigSource source : new DevServicesConfigSourceFactory().getConfigSources(context)) {
            source.getPropertyNames().forEach(name -> config.put(name, source.getValue(name)));
        }
        assertThat(config).containsKeys("kafka.bootstrap.servers", "quarkus.datasource.jdbc.url");
        return config;
    }

    /**
     * Removes a killed instance's static members from every group, as its graceful stop would have: otherwise they
     * stay until their sessions end, and the next test's Ferry on this broker waits for them.
     */
    public void removeFromGroups(String instanceId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            List<String> groups = admin.listGroups().all().get().stream().map(g -> g.groupId()).toList();
            for (var group : admin.describeConsumerGroups(groups).all().get().values()) {
                List<MemberToRemove> members = group.members().stream()
                        .filter(m -> m.groupInstanceId().filter(id -> id.startsWith(instanceId + "-")).isPresent())
                        .map(m -> new MemberToRemove(m.groupInstanceId().get())).toList();
                if (!members.isEmpty()) {
                    admin.removeMembersFromConsumerGroup(group.groupId(),
                            new RemoveMembersFromConsumerGroupOptions(members)).all().get();
                }
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
