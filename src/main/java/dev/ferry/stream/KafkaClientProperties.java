package dev.ferry.stream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

/**
 * The Kafka client properties every lane shares: the bootstrap servers plus any {@code kafka.*} property the user
 * set (security protocol, SASL, TLS...), the same convention as the SmallRye connector's global Kafka config, set as
 * a property or as an environment variable ({@code KAFKA_SASL_MECHANISM} for {@code kafka.sasl.mechanism}, as a
 * Kubernetes deployment sets them).
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {
    }

    public static Map<String, Object> from(Config config) {
        Map<String, Object> props = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if ((lower.startsWith("kafka.") || lower.startsWith("kafka_")) && !lower.startsWith("kafka.health")
                    && !lower.startsWith("kafka_health")) {
                // Kafka's own names have dots only; an environment variable's underscores stand for them.
                String key = lower.substring(6).replace('_', '.');
                // Looked up by the dotted name, so that the configuration's precedence decides between the two.
                config.getOptionalValue("kafka." + key, String.class).ifPresent(v -> props.put(key, v));
            }
        }
        return props;
    }

    /** This instance's stable name: configured, else the HOSTNAME variable (the pod name), else the host name. */
    public static String instanceId(Optional<String> configured) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return configured.get();
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "ferry";
        }
    }
}
