package dev.ferry.replication.volume;

import java.util.Optional;

import dev.ferry.replication.mover.MoverException;

/** Services that give a listening mover an address (in Kubernetes: a Service; locally: a loopback port). */
public interface ServiceBackend {

    record Address(String host, int port) {

        /** {@code host:port} as a URL writes it. */
        public String hostPort() {
            return urlHost(host) + ":" + port;
        }

        /** A host as a URL writes it: an IPv6 address in brackets. */
        public static String urlHost(String host) {
            return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        }
    }

    /** Ensures the service exists; its address once assigned (empty while pending). */
    Optional<Address> ensure(String namespace, String name, Owner owner, Integer requestedPort)
            throws MoverException;

    void deleteOwned(Owner owner) throws MoverException;
}
