package dev.ferry.replication.volume;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.ferry.replication.mover.MoverException;

/** ConfigMaps laid out like mounted ones, {@code <root>/<namespace>/<configmap>/<key>}, as secrets are. */
public final class LocalConfigMapStore implements ConfigMapStore {

    private final PathGuard guard;

    public LocalConfigMapStore(Path root) {
        this.guard = new PathGuard(root);
    }

    @Override
    public Optional<Map<String, byte[]>> get(String namespace, String name) throws MoverException {
        return LocalSecretStore.readMounted(guard, namespace, name, "ConfigMap");
    }
}
