package dev.ferry.rpc.ledger;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.Json;
import dev.ferry.rpc.tag.ModelTag;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The idempotency ledger: the stored response of every answered request, by caller and correlation id. Set-based on
 * purpose: one lookup and one multi-row insert per batch, whatever its size (rows travel as one JSON parameter).
 */
@ApplicationScoped
public class RequestLedger {

    /** The idempotency key of a request. */
    public record Key(String caller, String correlationId) {
    }

    /**
     * What an answered request produced: its response and its other records, as published; the digest of the
     * request as signed, and that of the call it made (each null for answers stored before it was kept).
     */
    public record Answer(String response, List<StoredRecord> effects, String requestDigest, String callDigest) {
    }

    /** A record published with a response; values are Ferry's own JSON, so text. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record StoredRecord(String topic, String key, String value) {
    }

    /** A caller within a model: agent credentials are per model. */
    public record ModelCaller(String modelUuid, String tag) {
    }

    /** What one poll needs before it can answer anything: stored answers, and the callers' stored signing keys. */
    public record Lookup(Map<Key, Answer> answers, Map<ModelCaller, byte[]> signingKeys) {
    }

    // One round trip for both: rows of kind 0 are signing keys (agent_credentials), of kind 1 stored answers.
    private static final String LOOK_UP = """
            SELECT 0, CAST(c.model_uuid AS text), c.tag, CAST(NULL AS text), CAST(NULL AS text), c.signing_key,
                   CAST(NULL AS text), CAST(NULL AS text)
            FROM agent_credentials c
            JOIN jsonb_to_recordset(CAST(CAST(:callers AS text) AS jsonb)) AS k(model_uuid uuid, tag text)
              ON c.model_uuid = k.model_uuid AND c.tag = k.tag
            UNION ALL
            SELECT 1, l.caller, l.correlation_id, l.response, CAST(l.effects AS text), CAST(NULL AS bytea),
                   l.request_digest, l.call_digest
            FROM rpc_ledger l
            JOIN jsonb_to_recordset(CAST(CAST(:keys AS text) AS jsonb)) AS k(caller text, correlation_id text)
              ON l.caller = k.caller AND l.correlation_id = k.correlation_id""";

    private static final String RECORD = """
            INSERT INTO rpc_ledger (caller, correlation_id, response, effects, request_digest, call_digest)
            SELECT r.caller, r.correlation_id, r.response, r.effects, r.request_digest, r.call_digest
            FROM jsonb_to_recordset(CAST(CAST(:rows AS text) AS jsonb))
                 AS r(caller text, correlation_id text, response text, effects jsonb, request_digest text,
                      call_digest text)
            ON CONFLICT (caller, correlation_id) DO NOTHING""";

    // The age travels as text: a parameter the server takes for an interval refuses a Java string.
    private static final String FORGET =
            "DELETE FROM rpc_ledger WHERE answered_at < now() - CAST(CAST(:age AS text) AS interval)";

    private final ObjectMapper mapper;

    public RequestLedger(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The stored answers of these requests and the stored signing keys of these callers, in one query. Answers are
     * looked up before signatures are checked; the caller only uses those of requests whose signature verified.
     */
    public Uni<Lookup> lookUp(Mutiny.Session session, Collection<ModelCaller> callers, Collection<Key> keys) {
        List<Map<String, String>> callerRows = callers.stream().distinct()
                .filter(c -> c.modelUuid() != null && ModelTag.isValidUuid(c.modelUuid()))
                .map(c -> Map.of("model_uuid", c.modelUuid(), "tag", c.tag())).toList();
        List<Map<String, String>> keyRows = keys.stream().distinct()
                .map(k -> Map.of("caller", k.caller(), "correlation_id", k.correlationId())).toList();
        if (callerRows.isEmpty() && keyRows.isEmpty()) {
            return Uni.createFrom().item(new Lookup(Map.of(), Map.of()));
        }
        return session.createNativeQuery(LOOK_UP, Object[].class).setParameter("callers", Json.write(callerRows))
                .setParameter("keys", Json.write(keyRows)).getResultList().map(rows -> {
                    Map<Key, Answer> answers = new HashMap<>();
                    Map<ModelCaller, byte[]> signingKeys = new HashMap<>();
                    for (Object[] row : rows) {
                        if (((Number) row[0]).intValue() == 0) {
                            signingKeys.put(new ModelCaller((String) row[1], (String) row[2]), (byte[]) row[5]);
                        } else {
                            answers.put(new Key((String) row[1], (String) row[2]),
                                    new Answer((String) row[3], effects((String) row[4]), (String) row[6],
                                            (String) row[7]));
                        }
                    }
                    return new Lookup(answers, signingKeys);
                });
    }

    public Uni<Void> record(Mutiny.Session session, Map<Key, Answer> answers) {
        if (answers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map<String, Object>> rows = answers.entrySet().stream()
                .map(e -> Map.<String, Object> of("caller", e.getKey().caller(), "correlation_id",
                        e.getKey().correlationId(), "response", e.getValue().response(), "effects",
                        e.getValue().effects(), "request_digest", e.getValue().requestDigest(), "call_digest",
                        e.getValue().callDigest()))
                .toList();
        return session.createNativeQuery(RECORD).setParameter("rows", Json.write(rows)).executeUpdate().replaceWithVoid();
    }

    /** Forgets requests answered longer ago than {@code ageSeconds}; a redelivery cannot be that old. */
    public Uni<Integer> forgetOlderThan(Mutiny.Session session, long ageSeconds) {
        return session.createNativeQuery(FORGET).setParameter("age", ageSeconds + " seconds").executeUpdate();
    }

    private List<StoredRecord> effects(String json) {
        try {
            return List.of(mapper.readValue(json, StoredRecord[].class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable effects in the ledger", e);
        }
    }

}
