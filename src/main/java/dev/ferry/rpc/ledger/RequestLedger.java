package dev.ferry.rpc.ledger;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.Json;
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

    /** What an answered request produced: its response and its other records, as published. */
    public record Answer(String response, List<StoredRecord> effects) {
    }

    /** A record published with a response; values are Ferry's own JSON, so text. */
    public record StoredRecord(String topic, String key, String value) {
    }

    private static final String FIND = """
            SELECT l.caller, l.correlation_id, l.response, CAST(l.effects AS text)
            FROM rpc_ledger l
            JOIN jsonb_to_recordset(CAST(CAST(:keys AS text) AS jsonb)) AS k(caller text, correlation_id text)
              ON l.caller = k.caller AND l.correlation_id = k.correlation_id""";

    private static final String RECORD = """
            INSERT INTO rpc_ledger (caller, correlation_id, response, effects)
            SELECT r.caller, r.correlation_id, r.response, r.effects
            FROM jsonb_to_recordset(CAST(CAST(:rows AS text) AS jsonb))
                 AS r(caller text, correlation_id text, response text, effects jsonb)
            ON CONFLICT (caller, correlation_id) DO NOTHING""";

    private static final String FORGET = "DELETE FROM rpc_ledger WHERE answered_at < now() - CAST(:age AS interval)";

    private final ObjectMapper mapper;

    public RequestLedger(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Uni<Map<Key, Answer>> find(Mutiny.Session session, Collection<Key> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Map<String, String>> rows = keys.stream()
                .map(k -> Map.of("caller", k.caller(), "correlation_id", k.correlationId())).toList();
        return session.createNativeQuery(FIND, Object[].class).setParameter("keys", Json.write(rows)).getResultList()
                .map(found -> {
                    Map<Key, Answer> answers = new HashMap<>();
                    for (Object[] row : found) {
                        answers.put(new Key((String) row[0], (String) row[1]),
                                new Answer((String) row[2], effects((String) row[3])));
                    }
                    return answers;
                });
    }

    public Uni<Void> record(Mutiny.Session session, Map<Key, Answer> answers) {
        if (answers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map<String, Object>> rows = answers.entrySet().stream()
                .map(e -> Map.<String, Object> of("caller", e.getKey().caller(), "correlation_id",
                        e.getKey().correlationId(), "response", e.getValue().response(), "effects",
                        e.getValue().effects()))
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
