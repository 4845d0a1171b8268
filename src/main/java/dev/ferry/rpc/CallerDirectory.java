package dev.ferry.rpc;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import dev.ferry.rpc.auth.SigningKeys;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who may call, and as what: the signing keys of callers (bootstrap ones derived once from configuration, agents'
 * stored in {@code agent_credentials}, where only the derived key is kept, and read per poll with the request ledger)
 * and the login kinds a tag counts as.
 */
@ApplicationScoped
public class CallerDirectory {

    private static final Logger LOG = Logger.getLogger(CallerDirectory.class);

    private static final String UPSERT = """
            INSERT INTO agent_credentials (model_uuid, tag, signing_key, updated_at)
            VALUES (CAST(:model AS uuid), :tag, :key, now())
            ON CONFLICT (model_uuid, tag) DO UPDATE SET signing_key = EXCLUDED.signing_key, updated_at = now()""";

    private final AuthConfig config;
    private final Map<String, byte[]> bootstrapKeys = new HashMap<>();

    public CallerDirectory(AuthConfig config) {
        this.config = config;
        config.adminPassword().ifPresent(p -> bootstrapKeys.put(config.adminTag(),
                SigningKeys.derive(p, config.adminTag())));
        config.controllerAgentPassword().ifPresent(p -> bootstrapKeys.put(config.controllerAgentTag(),
                SigningKeys.derive(p, config.controllerAgentTag())));
        if (bootstrapKeys.isEmpty()) {
            LOG.warn("Neither ferry.auth.admin-password nor ferry.auth.controller-agent-password is set: "
                    + "no request can be authenticated until agents have passwords");
        }
    }

    /**
     * The kinds of login the tag counts as, in the vocabulary of the schema's AvailableTo. The controller agent is the
     * controller only when proven with its configured key: with a key stored for its tag in a model, it is that
     * model's machine of the same id.
     */
    public Caller classify(String tag, boolean configuredKey) {
        Set<String> kinds = new HashSet<>();
        if (tag.equals(config.controllerAgentTag()) && configuredKey) {
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

    public Optional<byte[]> bootstrapKey(String tag) {
        return Optional.ofNullable(bootstrapKeys.get(tag));
    }

    public Uni<Void> storeKey(Mutiny.Session session, String modelUuid, String tag, byte[] derivedKey) {
        return session.createNativeQuery(UPSERT).setParameter("model", modelUuid).setParameter("tag", tag)
                .setParameter("key", derivedKey).executeUpdate().replaceWithVoid();
    }
}
