package dev.ferry.state.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ferry.json.JsonErrors;
import dev.ferry.json.StorableText;
import dev.ferry.rpc.auth.RequestSignatures;
import dev.ferry.rpc.tag.MachineTag;

/** Validates a {@code juju.model.events} record against the catalogue; anything wrong is named precisely. */
final class EventDecoder {

    private static final Set<String> ENVELOPE_FIELDS = Set.of("event-id", "model-uuid", "kind", "action", "data");
    /** Longest event id or key field, in UTF-8 bytes: indexed, and PostgreSQL's btree keeps entries under 2,704. */
    static final int MAX_KEY_BYTES = 1024;
    /** What PostgreSQL's timestamptz holds: years 1 to 294276, offsets within 15:59. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.parse("0001-01-01T00:00:00Z");
    private static final OffsetDateTime LATEST = OffsetDateTime.parse("+294276-12-31T23:59:59Z");
    private static final int MAX_OFFSET_SECONDS = 15 * 3600 + 59 * 60;

    // One value per record, each key once: a duplicated key or trailing bytes would otherwise lose data silently.
    private final ObjectReader reader;

    EventDecoder(ObjectMapper mapper) {
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    ModelEvent decode(String key, byte[] value) {
        JsonNode root;
        try {
            root = value == null ? null : reader.readTree(value);
        } catch (IOException e) {
            throw new InvalidEventException("malformed JSON: " + JsonErrors.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("an event must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!ENVELOPE_FIELDS.contains(name)) {
                throw new InvalidEventException("unknown field \"" + name + "\"");
            }
        }
        // Anything else would reach PostgreSQL, which refuses it, and fail every event polled with this one.
        rejectUnstorable(root);
        String eventId = text(root, "event-id");
        if (utf8Length(eventId) > MAX_KEY_BYTES) {
            throw new InvalidEventException("field \"event-id\" is longer than " + MAX_KEY_BYTES + " bytes (UTF-8)");
        }
        String kindName = text(root, "kind");
        EventKind kind = EventCatalogue.KINDS.get(kindName);
        if (kind == null) {
            throw new InvalidEventException("unknown kind \"" + kindName + "\" (known: "
                    + String.join(", ", new java.util.TreeSet<>(EventCatalogue.KINDS.keySet())) + ")");
        }
        ModelEvent.Action action;
        String actionName = text(root, "action");
        try {
            action = ModelEvent.Action.valueOf(actionName.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("field \"action\" must be added, changed or removed, got \"" + actionName + "\"");
        }
        String model = null;
        if (kind.modelScoped()) {
            model = text(root, "model-uuid");
            if (!FieldType.UUID.accepts(root.get("model-uuid"))) {
                throw new InvalidEventException("field \"model-uuid\" must be a UUID");
            }
            if (!model.equals(key)) {
                throw new InvalidEventException("record key \"" + key + "\" differs from model-uuid \"" + model
                        + "\": events are keyed by their model");
            }
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw new InvalidEventException("field \"data\" must be an object");
        }
        ObjectNode fields = (ObjectNode) data;
        validateFields(kind, action, fields);
        return new ModelEvent(eventId, model, kind, action, fields, digest(kind.name(), action, model, fields));
    }

    private static void validateFields(EventKind kind, ModelEvent.Action action, ObjectNode data) {
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            FieldType type = kind.fields().get(field.getKey());
            if (type == null) {
                throw new InvalidEventException("unknown field \"data." + field.getKey() + "\" for kind " + kind.name());
            }
            if (!type.accepts(field.getValue())) {
                throw new InvalidEventException("field \"data." + field.getKey() + "\" must be " + type.describe());
            }
            Set<String> allowed = EventCatalogue.ALLOWED.get(field.getKey());
            if (allowed != null && !allowed.contains(field.getValue().asText())) {
                throw new InvalidEventException("field \"data." + field.getKey() + "\" must be one of " + allowed);
            }
            if (type == FieldType.TIMESTAMP) {
                checkTimestamp(field.getKey(), field.getValue().asText());
            }
        }
        for (String key : kind.keyFields()) {
            if (!data.has(key)) {
                throw new InvalidEventException("missing field \"data." + key + "\"");
            }
            if (utf8Length(data.get(key).asText()) > MAX_KEY_BYTES) {
                throw new InvalidEventException("field \"data." + key + "\" is longer than " + MAX_KEY_BYTES
                        + " bytes (UTF-8)");
            }
        }
        if (action == ModelEvent.Action.ADDED) {
            for (String required : kind.requiredOnAdd()) {
                if (!data.has(required)) {
                    throw new InvalidEventException("missing field \"data." + required + "\" (required when added)");
                }
            }
        }
        if (kind.name().equals("machine") && !MachineTag.isValidId(data.get("machine-id").asText())) {
            throw new InvalidEventException("field \"data.machine-id\": \"" + data.get("machine-id").asText()
                    + "\" is not a valid machine id");
        }
        if (kind.name().equals("constraints")
                && !EventCatalogue.CONSTRAINT_ENTITIES.contains(data.get("entity-kind").asText())) {
            throw new InvalidEventException("field \"data.entity-kind\" must be one of " + EventCatalogue.CONSTRAINT_ENTITIES);
        }
    }

    /** SHA-256 of the event's content in a canonical form (object keys sorted), however it was written. */
    static String digest(String kind, ModelEvent.Action action, String model, JsonNode data) {
        StringBuilder canonical = new StringBuilder(kind).append('\n').append(action).append('\n').append(model)
                .append('\n');
        canonical(data, canonical);
        return RequestSignatures.sha256Hex(canonical.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void canonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            java.util.TreeMap<String, JsonNode> sorted = new java.util.TreeMap<>();
            node.fields().forEachRemaining(field -> sorted.put(field.getKey(), field.getValue()));
            out.append('{');
            sorted.forEach((name, value) -> {
                out.append(com.fasterxml.jackson.databind.node.TextNode.valueOf(name)).append(':');
                canonical(value, out);
                out.append(',');
            });
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            node.forEach(item -> {
                canonical(item, out);
                out.append(',');
            });
            out.append(']');
        } else {
            out.append(node);
        }
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void checkTimestamp(String field, String text) {
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("field \"data." + field + "\" must be an RFC 3339 timestamp");
        }
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)
                || Math.abs(time.getOffset().getTotalSeconds()) > MAX_OFFSET_SECONDS) {
            throw new InvalidEventException("field \"data." + field + "\" is out of range: years 1 to 294276, offsets "
                    + "within 15:59");
        }
    }

    /**
     * PostgreSQL's text and jsonb hold no NUL character nor half of a surrogate pair, in values or in names. The
     * message quotes paths as they are: the names on a path to the first unstorable string were checked before it.
     */
    private static void rejectUnstorable(JsonNode node) {
        StorableText.firstIn(node).ifPresent(found -> {
            String what = found.character() == '\0' ? "a NUL character" : found.description();
            throw new InvalidEventException(found.inFieldName()
                    ? "a field name in \"" + found.parent() + "\" contains " + what
                    : "field \"" + found.path() + "\" contains " + what);
        });
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null) {
            throw new InvalidEventException("missing field \"" + field + "\"");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidEventException("field \"" + field + "\" must be a non-empty string");
        }
        return value.asText();
    }
}
