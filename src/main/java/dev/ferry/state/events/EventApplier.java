package dev.ferry.state.events;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ferry.rpc.tag.MachineTag;
import io.smallrye.mutiny.Uni;

/**
 * Applies a validated event to its table with SQL derived from the catalogue: added = upsert of the given fields,
 * changed = update of the given fields (an absent entity is an error), removed = delete. The event's fields travel
 * as one JSON parameter read with {@code jsonb_populate_record}, so columns come only from the whitelist.
 */
final class EventApplier {

    private final ObjectMapper mapper;

    EventApplier(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Applies the event; true when it changed its entity's life cycle as Juju's lifecycle watchers see it: the entity
     * came (added where there was none), went (removed where there was one) or its life changed. Always false for
     * kinds without a life.
     */
    Uni<Boolean> apply(Mutiny.Session session, ModelEvent event) {
        ObjectNode row = columns(event);
        EventKind kind = event.kind();
        List<String> keyColumns = keyColumns(kind);
        String statement = switch (event.action()) {
            case ADDED -> upsert(kind, row, keyColumns);
            case CHANGED -> update(kind, row, keyColumns);
            case REMOVED -> delete(kind, keyColumns);
        };
        if (!kind.fields().containsKey("life")) {
            return bind(session.createNativeQuery(statement), event, row).executeUpdate()
                    .invoke(count -> requireEntity(event, count)).replaceWith(false);
        }
        return bind(session.createNativeQuery(lifeCycle(kind, statement, keyColumns), Object[].class), event, row)
                .getSingleResult()
                .map(result -> {
                    long count = ((Number) result[0]).longValue();
                    requireEntity(event, count);
                    Object before = result[1];
                    Object after = result[2];
                    return switch (event.action()) {
                        case ADDED -> count > 0 && !after.equals(before);
                        case CHANGED -> !after.equals(before);
                        case REMOVED -> count > 0;
                    };
                });
    }

    /** A change must find its entity; an addition or a removal need not. */
    private static void requireEntity(ModelEvent event, Number count) {
        if (event.action() == ModelEvent.Action.CHANGED && count.longValue() == 0) {
            throw new InvalidEventException("no " + event.kind().name() + " " + describeKey(event) + " to change");
        }
    }

    /** Binds the event's row and, for a model's entity, its model (parameters bind in place, whatever the query). */
    private static <Q extends Mutiny.AbstractQuery> Q bind(Q query, ModelEvent event, ObjectNode row) {
        query.setParameter("row", row.toString());
        if (event.kind().modelScoped()) {
            query.setParameter("model", event.modelUuid());
        }
        return query;
    }

    /**
     * The statement, with the rows it touched and the entity's life before and after it: {@code before} reads the
     * snapshot the statement starts from, so it sees the row as it was.
     */
    private static String lifeCycle(EventKind kind, String statement, List<String> keyColumns) {
        return "WITH before AS (SELECT t.life FROM " + kind.table() + " t, " + populated(kind) + " r WHERE "
                + keyMatch(kind, keyColumns) + "), done AS (" + statement + " RETURNING t.life) "
                + "SELECT (SELECT count(*) FROM done), (SELECT life FROM before), (SELECT life FROM done)";
    }

    /** The event's fields as a record of the kind's table: only its columns, typed as they are there. */
    private static String populated(EventKind kind) {
        return "jsonb_populate_record(NULL::" + kind.table() + ", CAST(CAST(:row AS text) AS jsonb))";
    }

    /** The event's fields under column names, plus what is derived (a machine's parent and container type). */
    private ObjectNode columns(ModelEvent event) {
        ObjectNode row = mapper.createObjectNode();
        event.data().fields().forEachRemaining(f -> row.set(EventKind.column(f.getKey()), f.getValue()));
        if (event.kind().name().equals("machine")) {
            MachineTag machine = MachineTag.ofId(event.data().get("machine-id").asText());
            row.put("parent_id", machine.parentId().orElse(null));
            row.put("container_type", machine.containerType().map(t -> t.toString()).orElse(""));
        }
        return row;
    }

    private static List<String> keyColumns(EventKind kind) {
        List<String> keys = new ArrayList<>();
        if (kind.name().equals("model")) {
            keys.add("uuid");
        } else if (kind.modelScoped()) {
            keys.add("model_uuid");
        }
        kind.keyFields().forEach(k -> keys.add(EventKind.column(k)));
        return keys;
    }

    private static String upsert(EventKind kind, ObjectNode row, List<String> keyColumns) {
        List<String> columns = new ArrayList<>();
        row.fieldNames().forEachRemaining(columns::add);
        List<String> inserted = new ArrayList<>(columns);
        List<String> values = columns.stream().map(c -> "r." + c).collect(Collectors.toCollection(ArrayList::new));
        String modelColumn = kind.name().equals("model") ? "uuid" : kind.modelScoped() ? "model_uuid" : null;
        if (modelColumn != null) {
            inserted.add(0, modelColumn);
            values.add(0, "CAST(:model AS uuid)");
        }
        List<String> updates = columns.stream().filter(c -> !keyColumns.contains(c)).map(c -> c + " = EXCLUDED." + c)
                .toList();
        return "INSERT INTO " + kind.table() + " AS t (" + String.join(", ", inserted) + ") SELECT "
                + String.join(", ", values) + " FROM " + populated(kind) + " r ON CONFLICT ("
                + String.join(", ", keyColumns) + ") DO "
                + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", updates));
    }

    private static String update(EventKind kind, ObjectNode row, List<String> keyColumns) {
        List<String> sets = new ArrayList<>();
        row.fieldNames().forEachRemaining(c -> {
            if (!keyColumns.contains(c)) {
                sets.add(c + " = r." + c);
            }
        });
        if (sets.isEmpty()) {
            // Nothing to change but the entity must exist: a no-op update still counts the row.
            String first = keyColumns.get(keyColumns.size() - 1);
            sets.add(first + " = t." + first);
        }
        return "UPDATE " + kind.table() + " t SET " + String.join(", ", sets) + " FROM " + populated(kind) + " r WHERE "
                + keyMatch(kind, keyColumns);
    }

    private static String delete(EventKind kind, List<String> keyColumns) {
        return "DELETE FROM " + kind.table() + " t USING " + populated(kind) + " r WHERE " + keyMatch(kind, keyColumns);
    }

    private static String keyMatch(EventKind kind, List<String> keyColumns) {
        return keyColumns.stream().map(c -> (c.equals("model_uuid") || (c.equals("uuid") && kind.name().equals("model")))
                ? "t." + c + " = CAST(:model AS uuid)"
                : "t." + c + " = r." + c).collect(Collectors.joining(" AND "));
    }

    private static String describeKey(ModelEvent event) {
        return event.kind().keyFields().stream().map(k -> event.data().get(k).asText())
                .collect(Collectors.joining("/", "\"", "\""));
    }
}
