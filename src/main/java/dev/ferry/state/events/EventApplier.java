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

    Uni<Void> apply(Mutiny.Session session, ModelEvent event) {
        ObjectNode row = columns(event);
        List<String> keyColumns = keyColumns(event.kind());
        return switch (event.action()) {
            case ADDED -> execute(session, upsert(event.kind(), row, keyColumns), event, row).replaceWithVoid();
            case CHANGED -> execute(session, update(event.kind(), row, keyColumns), event, row).chain(count -> count > 0
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom().failure(new InvalidEventException("no " + event.kind().name() + " "
                            + describeKey(event) + " to change")));
            case REMOVED -> execute(session, delete(event.kind(), keyColumns), event, row).replaceWithVoid();
        };
    }

    private Uni<Integer> execute(Mutiny.Session session, String sql, ModelEvent event, ObjectNode row) {
        var query = session.createNativeQuery(sql).setParameter("row", row.toString());
        if (event.kind().modelScoped()) {
            query.setParameter("model", event.modelUuid());
        }
        return query.executeUpdate();
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
        return "INSERT INTO " + kind.table() + " (" + String.join(", ", inserted) + ") SELECT "
                + String.join(", ", values) + " FROM jsonb_populate_record(NULL::" + kind.table()
                + ", CAST(CAST(:row AS text) AS jsonb)) r ON CONFLICT (" + String.join(", ", keyColumns) + ") DO "
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
        return "UPDATE " + kind.table() + " t SET " + String.join(", ", sets) + " FROM jsonb_populate_record(NULL::"
                + kind.table() + ", CAST(CAST(:row AS text) AS jsonb)) r WHERE " + keyMatch(kind, keyColumns);
    }

    private static String delete(EventKind kind, List<String> keyColumns) {
        return "DELETE FROM " + kind.table() + " t USING jsonb_populate_record(NULL::" + kind.table()
                + ", CAST(CAST(:row AS text) AS jsonb)) r WHERE " + keyMatch(kind, keyColumns);
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
