package dev.ferry.rpc;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.auth.SigningKeys;
import dev.ferry.rpc.tag.ModelTag;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who may call, and as what: the signing keys of callers (bootstrap ones derived once from configuration, agents'
 * from {@code agent_credentials}, where only the derived key is stored) and the login kinds a tag counts as.
 */
@ApplicationScoped
public class CallerDirectory {

    private static final Logger LOG = Logger.getLogger(CallerDirectory.class);

    /** A caller within a model: agent credentials are per model, bootstrap ones hold for every model. */
    public record ModelCaller(String modelUuid, String tag) {
    }

    private static final String FIND = """
            SELECT CAST(c.model_uuid AS text), c.tag, c.signing_key
            FROM agent_credentials c
            JOIN jsonb_to_recordset(CAST(CAST(:keys AS text) AS jsonb)) AS k(model_uuid uuid, tag text)
              ON c.model_uuid = k.model_uuid AND c.tag = k.tag""";

    private static final String UPSERT = """
            INSERT INTO agent_credentials (model_uuid, tag, signing_key, updated_at)
            VALUES (CAST(:model AS uuid), :tag, :key, now())
            ON CONFLICT (model_uuid, tag) DO UPDATE SET signing_key = EXCLUDED.signing_key, updated_at = now()""";

    private final AuthConfig config;
    private final ObjectMapper mapper;
    private final Map<String, byte[]> bootstrapKeys = new HashMap<>();

    public CallerDirectory(AuthConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        config.adminPassword().ifPresent(p -> bootstrapKeys.put(config.adminTag(), SigningKeys.derive(p, config.adminTag())));
        config.controllerAgentPassword().ifPresent(p -> bootstrapKeys.put(config.controllerAgentTag(),
                SigningKeys.derive(p, config.controllerAgentTag())));
        if (bootstrapKeys.isEmpty()) {
            LOG.warn("Neither ferry.auth.admin-password nor ferry.auth.controller-agent-password is set: "
                    + "no request can be authenticated until agents have passwords");
        }
    }

    /** The kinds of login the tag counts as, in the vocabulary of the schema's AvailableTo. */
    public Caller classify(String tag) {
        Set<String> kinds = new HashSet<>();
        if (tag.equals(config.controllerAgentTag())) {
            kinds.add(Caller.CONTROLLER_MACHINE_AGENT);
            kinds.add(Caller.MACHINE_AGENT);
        } else if (tag.startsWith("machine-")) {
            kinds.add(Caller.MACHINE_AGENT);
        } else if (tag.equals(config.adminTag())) {
            kinds.add(Caller.CONTROLLER_USER);
            kinds.add(Caller.MODEL_USER);
        } else if (tag.startsWith("unit-")) {
            kinds.add(Caller.UNIT_AGENT);
        }
        return new Caller(tag, Set.copyOf(kinds));
    }

    /** Loads the stored keys of these callers in one query; bootstrap callers are answered from memory. */
    public Uni<Map<ModelCaller, byte[]>> keys(Mutiny.Session session, Collection<ModelCaller> callers) {
        List<Map<String, String>> wanted = callers.stream().distinct()
                .filter(c -> c.modelUuid() != null && ModelTag.isValidUuid(c.modelUuid()))
                .map(c -> Map.of("model_uuid", c.modelUuid(), "tag", c.tag())).toList();
        Uni<List<Object[]>> stored = wanted.isEmpty() ? Uni.createFrom().item(List.of())
                : session.createNativeQuery(FIND, Object[].class).setParameter("keys", Json.write(wanted)).getResultList();
        return stored.map(rows -> {
            Map<ModelCaller, byte[]> keys = new HashMap<>();
            for (Object[] row : rows) {
                keys.put(new ModelCaller((String) row[0], (String) row[1]), (byte[]) row[2]);
            }
            return keys;
        });
    }

    public Optional<byte[]> bootstrapKey(String tag) {
        return Optional.ofNullable(bootstrapKeys.get(tag));
    }

    public Uni<Void> storeKey(Mutiny.Session session, String modelUuid, String tag, byte[] derivedKey) {
        return session.createNativeQuery(UPSERT).setParameter("model", modelUuid).setParameter("tag", tag)
                .setParameter("key", derivedKey).executeUpdate().replaceWithVoid();
    }
}
