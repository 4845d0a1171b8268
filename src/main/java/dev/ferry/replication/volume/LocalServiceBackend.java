package dev.ferry.replication.volume;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.ferry.replication.mover.MoverException;

/**
 * Services as loopback ports: a service gets the requested port, or a free port picked once and then kept
 * (recorded under {@code <root>/<namespace>/.volsync/services/}), so its address stays stable across syncs
 * and restarts.
 */
public final class LocalServiceBackend implements ServiceBackend {

    private static final String TYPE = "services";

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
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(bindAddress))) {
            return socket.getLocalPort();
        }
    }
}
