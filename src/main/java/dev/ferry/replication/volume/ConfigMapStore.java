package dev.ferry.replication.volume;

import java.util.Map;
import java.util.Optional;

import dev.ferry.replication.mover.MoverException;

/** Kubernetes ConfigMaps as movers read them (a custom CA, for one). Confined to one namespace per call. */
public interface ConfigMapStore {

    Optional<Map<String, byte[]>> get(String namespace, String name) throws MoverException;

    /** The ConfigMap must exist and hold {@code key}, with VolSync's errors. */
    default byte[] getKey(String namespace, String name, String key) throws MoverException {
        Map<String, byte[]> data = get(namespace, name)
                .orElseThrow(() -> new MoverException("configmaps \"" + name + "\" not found"));
        byte[] value = data.get(key);
        if (value == null) {
            throw new MoverException("configMap is missing field: " + key);
        }
        return value;
    }
}
