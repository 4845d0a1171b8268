package dev.ferry.watcher;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.Effects;
import dev.ferry.rpc.ErrorCodes;
import dev.ferry.rpc.RpcException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Juju's StringsWatcher and NotifyWatcher as state: a Watch* call stores a watcher (and returns its initial
 * changes itself); later changes to its subject are coalesced per batch and published on
 * {@code juju.watcher.changes}, keyed by watcher id, as {@code {"watcher-id","type","changes"}}. Stored in
 * PostgreSQL, so watchers outlive a restart of Ferry.
 */
@ApplicationScoped
public class WatcherRegistry {

    public static final String STRINGS = "StringsWatcher";
    public static final String NOTIFY = "NotifyWatcher";

    private static final String INSERT = """
            INSERT INTO watchers (watcher_id, model_uuid, owner_tag, watcher_type, subject, scope)
            VALUES (:id, CAST(:model AS uuid), :owner, :type, :subject, :scope)""";
    private static final String FIND_BY_SUBJECT = """
            SELECT watcher_id, watcher_type, scope FROM watchers
            WHERE model_uuid = CAST(:model AS uuid) AND subject = :subject""";
    private static final String FIND = """
            SELECT owner_tag, watcher_type FROM watchers WHERE watcher_id = :id AND model_uuid = CAST(:model AS uuid)""";
    private static final String DELETE = "DELETE FROM watchers WHERE watcher_id = :id";
    private static final String FIND_OF_MODEL =
            "SELECT watcher_id, watcher_type FROM watchers WHERE model_uuid = CAST(:model AS uuid) ORDER BY watcher_id";

    /** The first key of the models' advisory locks ({@link #lockModels}): Ferry's own class of lock. */
    static final int MODEL_LOCK_CLASS = 0x46525259;
    private static final String LOCK_MODELS = """
            SELECT count(pg_advisory_xact_lock(:class, hashtext(m)))
            FROM (SELECT DISTINCT unnest(CAST(:models AS text[])) AS m ORDER BY 1) sorted""";

    private final ObjectMapper mapper;
    private final String changesTopic;

    public WatcherRegistry(ObjectMapper mapper,
            @ConfigProperty(name = "ferry.topics.watcher-changes") String changesTopic) {
        this.mapper = mapper;
        this.changesTopic = changesTopic;
    }

    /**
     * Orders the making of a model's watchers against the changes of that model: a Watch call takes its model's lock
     * before it reads the initial state, a poll of model events takes its models' locks before it applies them, each
     * until its transaction ends. Otherwise a watcher made while an event is applied reads the state from before the
     * event and is not yet stored when the event's change is announced: it never hears of that change. Locks are taken
     * in one order (sorted) within a call; should two transactions still wait on each other (a batch watching two
     * models, a poll changing both), PostgreSQL ends one and its lane runs the batch again.
     */
    public Uni<Void> lockModels(Mutiny.Session session, Collection<String> models) {
        if (models.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return session.createNativeQuery(LOCK_MODELS).setParameter("class", MODEL_LOCK_CLASS)
                .setParameter("models", models.toArray(String[]::new)).getSingleResult().replaceWithVoid();
    }

    /** Stores a new watcher of {@code subject} (e.g. {@code model-machines}) and returns its id. */
    public Uni<String> create(Mutiny.Session session, String modelUuid, String owner, String type, String subject,
            String scope) {
        String id = UUID.randomUUID().toString();
        return session.createNativeQuery(INSERT).setParameter("id", id).setParameter("model", modelUuid)
                .setParameter("owner", owner).setParameter("type", type).setParameter("subject", subject)
                .setParameter("scope", scope == null ? "" : scope).executeUpdate().replaceWith(id);
    }

    /**
     * Publishes {@code changes} (already coalesced by the caller, in order of first appearance) to every watcher of
     * the subject in the model: the ids for a StringsWatcher, a bare notification for a NotifyWatcher.
     */
    public Uni<Void> notify(Mutiny.Session session, Effects effects, String modelUuid, String subject,
            Collection<String> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return session.createNativeQuery(FIND_BY_SUBJECT, Object[].class).setParameter("model", modelUuid)
                .setParameter("subject", subject).getResultList().invoke(rows -> {
                    for (Object[] row : rows) {
                        String type = (String) row[1];
                        effects.publish(change((String) row[0], type, STRINGS.equals(type) ? List.copyOf(changes) : null,
                                null));
                    }
                }).replaceWithVoid();
    }

    /**
     * Tells every watcher of a model about to be removed (its watchers go with it) that it has ended, as a Juju
     * watcher ends when its model goes: a last record with no changes and Juju's {@code ErrStoppedWatcher}
     * ({@code "watcher was stopped"}, code {@code stopped}), so that its consumer does not wait for it forever.
     */
    public Uni<Void> endAllOf(Mutiny.Session session, Effects effects, String modelUuid) {
        return session.createNativeQuery(FIND_OF_MODEL, Object[].class).setParameter("model", modelUuid)
                .getResultList().invoke(rows -> {
                    for (Object[] row : rows) {
                        String type = (String) row[1];
                        effects.publish(change((String) row[0], type, STRINGS.equals(type) ? List.of() : null,
                                Map.of("message", "watcher was stopped", "code", ErrorCodes.STOPPED)));
                    }
                }).replaceWithVoid();
    }

    /** Juju's ErrUnknownWatcher: no id, an id of no watcher, or of a watcher of another type. */
    private static RpcException unknownWatcher() {
        return new RpcException(ErrorCodes.NOT_FOUND, "unknown watcher id");
    }

    /**
     * Ends a watcher; only its owner may, as in Juju where watchers belong to the connection that made them, and only
     * through its model (a connection is to one model): a watcher of another model is unknown here.
     */
    public Uni<Void> stop(Mutiny.Session session, String modelUuid, String watcherId, String caller,
            String expectedType) {
        if (watcherId == null || watcherId.isEmpty()) {
            return Uni.createFrom().failure(unknownWatcher());
        }
        return session.createNativeQuery(FIND, Object[].class).setParameter("id", watcherId)
                .setParameter("model", modelUuid).getResultList()
                .chain(rows -> {
                    if (rows.isEmpty() || !expectedType.equals(rows.get(0)[1])) {
                        return Uni.createFrom().failure(unknownWatcher());
                    }
                    if (!caller.equals(rows.get(0)[0])) {
                        return Uni.createFrom().failure(RpcException.perm());
                    }
                    return session.createNativeQuery(DELETE).setParameter("id", watcherId).executeUpdate()
                            .replaceWithVoid();
                });
    }

    private ProducerRecord<String, byte[]> change(String watcherId, String type, List<String> changes,
            Map<String, String> error) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("watcher-id", watcherId);
        value.put("type", type);
        value.put("changes", changes);
        if (error != null) {
            value.put("error", error);
        }
        try {
            return new ProducerRecord<>(changesTopic, watcherId,
                    mapper.writeValueAsString(value).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
