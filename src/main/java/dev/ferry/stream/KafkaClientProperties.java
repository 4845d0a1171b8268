package dev.ferry.stream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

/**
 * The Kafka client properties every lane shares: the bootstrap servers plus any {@code kafka.*} property the user
 * set (security protocol, SASL, TLS...), the same convention as the SmallRye connector's global Kafka config.
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {
    }

    public static Map<String, Object> from(Config config) {
        Map<String, Object> props = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("kafka.") && !name.startsWith("kafka.health")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> props.put(name.substring(6), v));
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
