package dev.ferry.state;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads of models and machines for the facades; set-based (one query per call, whatever the number of tags). */
@ApplicationScoped
public class MachineStore {

    private static final String MODEL_EXISTS = "SELECT count(*) FROM models WHERE uuid = CAST(:model AS uuid)";
    private static final String LIVES = """
            SELECT machine_id, life FROM machines
            WHERE model_uuid = CAST(:model AS uuid) AND machine_id = ANY(CAST(:ids AS text[]))""";
    private static final String TOP_LEVEL = """
            SELECT machine_id FROM machines WHERE model_uuid = CAST(:model AS uuid) AND parent_id IS NULL
            ORDER BY length(machine_id), machine_id""";

    public Uni<Boolean> modelExists(Mutiny.Session session, String modelUuid) {
        return session.createNativeQuery(MODEL_EXISTS, Long.class).setParameter("model", modelUuid).getSingleResult()
                .map(count -> count > 0);
    }

    /** Life of each of these machines that exists, by machine id. */
    public Uni<Map<String, String>> lives(Mutiny.Session session, String modelUuid, Collection<String> machineIds) {
        if (machineIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return session.createNativeQuery(LIVES, Object[].class).setParameter("model", modelUuid)
                .setParameter("ids", machineIds.toArray(String[]::new)).getResultList().map(rows -> {
                    Map<String, String> lives = new HashMap<>();
                    for (Object[] row : rows) {
                        lives.put((String) row[0], (String) row[1]);
                    }
                    return lives;
                });
    }

    /** Ids of the model's top-level machines (not containers), in numeric order. */
    public Uni<List<String>> topLevelMachineIds(Mutiny.Session session, String modelUuid) {
        return session.createNativeQuery(TOP_LEVEL, String.class).setParameter("model", modelUuid).getResultList();
    }

}
