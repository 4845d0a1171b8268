package dev.ferry.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ferry.rpc.Json;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads of models and machines for the facades; set-based (one query per call, whatever the number of tags). */
@ApplicationScoped
public class MachineStore {

    private static final String TOP_LEVEL = """
            SELECT machine_id FROM machines WHERE model_uuid = CAST(:model AS uuid) AND parent_id IS NULL
            ORDER BY length(machine_id), machine_id""";

    // One row per existing machine asked about with no container, one per direct container otherwise.
    private static final String CONTAINERS = """
            SELECT p.machine_id, c.machine_id FROM machines p
            LEFT JOIN machines c ON c.model_uuid = p.model_uuid AND c.parent_id = p.machine_id
            WHERE p.model_uuid = CAST(:model AS uuid) AND p.machine_id = ANY(CAST(:ids AS text[]))
            ORDER BY length(c.machine_id), c.machine_id""";

    /** A machine of a model. */
    public record ModelMachine(String modelUuid, String machineId) {
    }

    /** Which of the models asked about exist, and the life of each of the machines asked about that exists. */
    public record ModelsAndLives(Set<String> existingModels, Map<ModelMachine, String> lives) {
    }

    // Rows with a null machine id name an existing model; the others a machine and its life.
    private static final String MODELS_AND_LIVES = """
            SELECT CAST(m.uuid AS text), CAST(NULL AS text), CAST(NULL AS text)
            FROM jsonb_to_recordset(CAST(CAST(:models AS text) AS jsonb)) AS k(uuid uuid)
            JOIN models m ON m.uuid = k.uuid
            UNION ALL
            SELECT CAST(m.model_uuid AS text), m.machine_id, m.life
            FROM jsonb_to_recordset(CAST(CAST(:machines AS text) AS jsonb)) AS k(model_uuid uuid, machine_id text)
            JOIN machines m ON m.model_uuid = k.model_uuid AND m.machine_id = k.machine_id""";

    /** Which of these models exist and the lives of these machines, in one query. */
    public Uni<ModelsAndLives> modelsAndLives(Mutiny.Session session, Collection<String> modelUuids,
            Collection<ModelMachine> machines) {
        if (modelUuids.isEmpty() && machines.isEmpty()) {
            return Uni.createFrom().item(new ModelsAndLives(Set.of(), Map.of()));
        }
        List<Map<String, String>> models = modelUuids.stream().distinct().map(m -> Map.of("uuid", m)).toList();
        List<Map<String, String>> machineKeys = machines.stream().distinct()
                .map(m -> Map.of("model_uuid", m.modelUuid(), "machine_id", m.machineId())).toList();
        return session.createNativeQuery(MODELS_AND_LIVES, Object[].class).setParameter("models", Json.write(models))
                .setParameter("machines", Json.write(machineKeys)).getResultList().map(rows -> {
                    Set<String> existing = new HashSet<>();
                    Map<ModelMachine, String> lives = new HashMap<>();
                    for (Object[] row : rows) {
                        if (row[1] == null) {
                            existing.add((String) row[0]);
                        } else {
                            lives.put(new ModelMachine((String) row[0], (String) row[1]), (String) row[2]);
                        }
                    }
                    return new ModelsAndLives(existing, lives);
                });
    }

    /** Which of these models exist: one query for any number. */
    public Uni<Set<String>> existingModels(Mutiny.Session session, Collection<String> modelUuids) {
        return modelsAndLives(session, modelUuids, List.of()).map(ModelsAndLives::existingModels);
    }

    /** Ids of the model's top-level machines (not containers), in numeric order. */
    public Uni<List<String>> topLevelMachineIds(Mutiny.Session session, String modelUuid) {
        return session.createNativeQuery(TOP_LEVEL, String.class).setParameter("model", modelUuid).getResultList();
    }

    /**
     * The direct containers of each of these machines that exists, by machine id (an empty list for a machine without
     * containers; no entry for a machine that does not exist), in numeric order: one query for any number.
     */
    public Uni<Map<String, List<String>>> containersOf(Mutiny.Session session, String modelUuid,
            Collection<String> machineIds) {
        if (machineIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return session.createNativeQuery(CONTAINERS, Object[].class).setParameter("model", modelUuid)
                .setParameter("ids", machineIds.stream().distinct().toArray(String[]::new)).getResultList()
                .map(rows -> {
                    Map<String, List<String>> containers = new HashMap<>();
                    for (Object[] row : rows) {
                        List<String> ofMachine = containers.computeIfAbsent((String) row[0], id -> new ArrayList<>());
                        if (row[1] != null) {
                            ofMachine.add((String) row[1]);
                        }
                    }
                    return containers;
                });
    }
}
