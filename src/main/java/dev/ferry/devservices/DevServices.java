package dev.ferry.devservices;

import static dev.ferry.devservices.DevServicesConfigSourceFactory.isBlank;
import static dev.ferry.devservices.DevServicesConfigSourceFactory.value;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import dev.ferry.topics.TopicCatalog;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Ferry's own dev services: in dev mode and tests, when no Kafka bootstrap servers or no datasource URL are
 * configured, starts a broker (creating every topic of the topic file) and a PostgreSQL server — in containers
 * where a Docker engine answers, embedded in this JVM otherwise — and supplies the config that points at them.
 *
 * <p>Started once per JVM and reused across application restarts (live reload, test classes): the addresses are
 * kept in system properties, and a shutdown hook stops the services when the JVM exits. Reached only through
 * {@link DevServicesConfigSourceFactory}, by name, in the dev and test profiles.
 */
public final class DevServices {

    private static final Logger LOG = Logger.getLogger(DevServices.class);
    private static final String STARTED_PREFIX = "ferry.embedded.started.";
    private static final String USERS = "ferry.embedded.applications";
    /** Bounds a JVM's exit when an application's stop hangs. */
    private static final Duration APPLICATION_STOP_WAIT = Duration.ofSeconds(15);

    private DevServices() {
    }

    /** Starts what the configuration lacks (or finds it started before in this JVM); the config pointing at it. */
    public static Iterable<ConfigSource> configSources(ConfigSourceContext context) {
        Map<String, String> config = new HashMap<>();
        // One lock for the whole JVM: the factory runs again on each restart, possibly from another class loader.
        synchronized (System.getProperties()) {
            boolean containers = useContainers(context);
            // The database starts on another thread while the broker starts on this one (a second or two each).
            // Only this thread reads and writes the system properties that remember what was started.
            CompletableFuture<Map<String, String>> database = CompletableFuture.completedFuture(Map.of());
            if (isBlank(context.getValue("quarkus.datasource.reactive.url"))) {
                Map<String, String> previous = previouslyStarted("postgres");
                database = !previous.isEmpty() ? CompletableFuture.completedFuture(previous)
                        : CompletableFuture.supplyAsync(() -> start("postgres", containers
                                ? new ContainerPostgresServer(value(context, "ferry.embedded.postgres-image", "postgres:17-alpine"))
                                : new EmbeddedPostgresServer(Integer.parseInt(value(context, "ferry.embedded.postgres-port", "0"))),
                                started -> {
                                }));
            }
            if (isBlank(context.getValue("kafka.bootstrap.servers"))) {
                // Read the topic file first: a bad file fails start-up at once, naming the file and the field.
                TopicCatalog topics = TopicCatalog.load(Path.of(value(context, "ferry.topics-file", "kafka/topics.yaml")));
                Map<String, String> previous = previouslyStarted("kafka");
                config.putAll(!previous.isEmpty() ? previous : remember("kafka", start("kafka", containers
                        ? new ContainerKafkaBroker(value(context, "ferry.embedded.kafka-image", "apache/kafka:4.1.1"))
                        : new EmbeddedKafkaBroker(Integer.parseInt(value(context, "ferry.embedded.kafka-port", "0"))),
                        started -> TopicCreator.createAll(started.get("kafka.bootstrap.servers"), topics))));
            }
            try {
                config.putAll(remember("postgres", database.join()));
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        if (config.isEmpty()) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(config, "ferry-dev-services", DevServicesConfigSourceFactory.PRIORITY));
    }

    /** What an earlier start in this JVM (another class loader, an earlier app restart) left running. */
    private static Map<String, String> previouslyStarted(String name) {
        String prefix = STARTED_PREFIX + name + ".";
        Map<String, String> previous = new HashMap<>();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                previous.put(key.substring(prefix.length()), System.getProperty(key));
            }
        }
        return previous;
    }

    private static Map<String, String> remember(String name, Map<String, String> started) {
        started.forEach((key, value) -> System.setProperty(STARTED_PREFIX + name + "." + key, value));
        return started;
    }

    private static Map<String, String> start(String name, ManagedService service, AfterStart afterStart) {
        long begin = System.nanoTime();
        Map<String, String> started;
        try {
            started = service.start();
            afterStart.accept(started);
        } catch (Exception e) {
            service.close();
            throw new IllegalStateException("Ferry could not start its " + name + " dev service (" + e
                    + "); configure an external one instead (see README, 'Configuration')", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            awaitNoApplication(APPLICATION_STOP_WAIT);
            service.close();
        }, "ferry-stop-" + name));
        LOG.infof("Started %s in %d ms", service.describe(), (System.nanoTime() - begin) / 1_000_000);
        return started;
    }

    /**
     * An application start in this JVM began or stopped using the services. A JVM exiting runs the application's
     * stop and the services' shutdown hooks at once: the services wait for the application, whose last steps (leaving
     * consumer groups, closing producers) still need the broker.
     */
    public static void applicationUsing(boolean using) {
        synchronized (System.getProperties()) {
            int users = Integer.getInteger(USERS, 0) + (using ? 1 : -1);
            System.setProperty(USERS, Integer.toString(Math.max(users, 0)));
        }
    }

    static void awaitNoApplication(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (Integer.getInteger(USERS, 0) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean useContainers(ConfigSourceContext context) {
        String mode = value(context, "ferry.embedded.containers", "auto");
        return switch (mode) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> DockerProbe.dockerAnswers();
            default -> throw new IllegalArgumentException(
                    "ferry.embedded.containers must be auto, always or never, got '" + mode + "'");
        };
    }


    @FunctionalInterface
    private interface AfterStart {
        void accept(Map<String, String> started) throws Exception;
    }
}
