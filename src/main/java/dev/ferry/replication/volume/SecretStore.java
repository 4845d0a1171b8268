package dev.ferry.replication.volume;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.ferry.replication.mover.MoverException;

/**
 * Kubernetes Secrets as movers use them: read (the user's), created (the generated ones), deleted. Confined to one
 * namespace per call. {@link LocalSecretStore} lays them out like mounted Secrets.
 */
public interface SecretStore {

    Optional<Map<String, byte[]>> get(String namespace, String name) throws MoverException;

    /** Creates the secret if it does not exist; an existing one is left as it is. */
    void create(String namespace, String name, Map<String, byte[]> data, Owner owner) throws MoverException;

    /**
     * VolSync's create-or-update of a secret it derives: created when absent, replaced when its content differs
     * (a key added, dropped or changed), left alone when equal.
     */
    default void createOrUpdate(String namespace, String name, Map<String, byte[]> data, Owner owner)
            throws MoverException {
        Optional<Map<String, byte[]>> existing = get(namespace, name);
        if (existing.isPresent()) {
            Map<String, byte[]> current = existing.get();
            if (current.keySet().equals(data.keySet())
                    && data.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), current.get(e.getKey())))) {
                return;
            }
            delete(namespace, name);
        }
        create(namespace, name, data, owner);
    }

    void delete(String namespace, String name) throws MoverException;

    void deleteOwned(Owner owner) throws MoverException;

    /** VolSync's {@code GetAndValidateSecret}: the secret must exist and hold every field, with VolSync's errors. */
    default Map<String, byte[]> getAndValidate(String namespace, String name, List<String> fields)
            throws MoverException {
        Map<String, byte[]> data = get(namespace, name)
                .orElseThrow(() -> new MoverException("secrets \"" + name + "\" not found"));
        if (data.size() < fields.size()) {
            throw new MoverException("secret should have fields: [" + String.join(" ", fields) + "]");
        }
        for (String field : fields) {
            if (!data.containsKey(field)) {
                throw new MoverException("secret is missing field: " + field);
            }
        }
        return new TreeMap<>(data);
    }
}
