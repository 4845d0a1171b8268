package dev.ferry.replication.volume;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import dev.ferry.replication.mover.MoverException;

/**
 * Services as loopback ports: a service gets the requested port, or a free port picked once and then kept
 * (recorded under {@code <root>/<namespace>/.volsync/services/}), so its address stays stable across syncs
 * and restarts. A port is picked among {@link #FIRST_PORT}–{@link #LAST_PORT}, below Linux's ephemeral range (where
 * outgoing connections take their local ports), and never one another service keeps, listening or not.
 */
public final class LocalServiceBackend implements ServiceBackend {

    private static final String TYPE = "services";
    static final int FIRST_PORT = 20000;
    static final int LAST_PORT = 32767;
    private static final int ATTEMPTS = 200;

    private final Random random = new Random();

    private final PathGuard guard;
    private final String bindAddress;

    public LocalServiceBackend(Path root, String bindAddress) {
        this.guard = new PathGuard(root);
        this.bindAddress = bindAddress;
    }

    @Override
    public synchronized Optional<Address> ensure(String namespace, String name, Owner owner, Integer requestedPort)
            throws MoverException {
        Path nsDir = guard.namespaceDir(namespace);
        guard.resolve(namespace, name, "Service");
        try {
            Map<String, String> meta = MetaStore.read(nsDir, TYPE, name);
            String port = meta.get("port");
            boolean changed = requestedPort != null && requestedPort > 0
                    && !String.valueOf(requestedPort).equals(port);
            if (port == null || changed) {
                int chosen = requestedPort != null && requestedPort > 0 ? requestedPort : freePort();
                meta = new TreeMap<>();
                meta.put("port", String.valueOf(chosen));
                meta.put("address", bindAddress);
                meta.put(MetaStore.OWNER_UID, owner.uid());
                meta.put(MetaStore.OWNER_KIND, owner.kind());
                meta.put(MetaStore.OWNER_NAME, owner.name());
                MetaStore.write(nsDir, TYPE, name, meta);
            }
            return Optional.of(new Address(meta.get("address"), Integer.parseInt(meta.get("port"))));
        } catch (IOException e) {
            throw new MoverException("cannot assign an address to Service/" + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void deleteOwned(Owner owner) throws MoverException {
        Path nsDir = guard.namespaceDir(owner.namespace());
        try {
            List<String> names = MetaStore.select(nsDir, TYPE, MetaStore.OWNER_UID, owner.uid());
            for (String name : names) {
                MetaStore.delete(nsDir, TYPE, name);
            }
        } catch (IOException e) {
            throw new MoverException("cannot delete the services of " + owner.name() + ": " + e.getMessage(), e);
        }
    }

    private int freePort() throws IOException {
        Set<Integer> kept = keptPorts();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = FIRST_PORT + random.nextInt(LAST_PORT - FIRST_PORT + 1);
            if (kept.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(bindAddress))) {
                return socket.getLocalPort();
            } catch (BindException inUse) {
                // taken by some other program: try another
            }
        }
        throw new IOException("no free port between " + FIRST_PORT + " and " + LAST_PORT + " after " + ATTEMPTS
                + " tries");
    }

    /** The ports services of every namespace keep: each stays its service's while nothing listens on it. */
    private Set<Integer> keptPorts() throws IOException {
        Set<Integer> ports = new HashSet<>();
        try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(guard.root())) {
            for (Path nsDir : namespaces) {
                Path services = nsDir.resolve(MetaStore.DIR).resolve(TYPE);
                if (!Files.isDirectory(services)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(services,
                        "*.properties")) {
                    for (Path file : files) {
                        String name = file.getFileName().toString().replaceFirst("\\.properties$", "");
                        String port = MetaStore.read(nsDir, TYPE, name).get("port");
                        if (port != null && port.matches("\\d{1,5}")) {
                            ports.add(Integer.parseInt(port));
                        }
                    }
                }
            }
        }
        return ports;
    }
}
