package dev.ferry.state.events;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ferry.rpc.tag.MachineTag;

/** Validates a {@code juju.model.events} record against the catalogue; anything wrong is named precisely. */
final class EventDecoder {

    private static final Set<String> ENVELOPE_FIELDS = Set.of("event-id", "model-uuid", "kind", "action", "data");

    private final ObjectMapper mapper;

    EventDecoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ModelEvent decode(String key, byte[] value) {
        JsonNode root;
        try {
            root = value == null ? null : mapper.readTree(value);
        } catch (IOException e) {
            throw new InvalidEventException("malformed JSON: " + e.getMessage());
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
        String eventId = text(root, "event-id");
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
        return new ModelEvent(eventId, model, kind, action, fields);
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
                try {
                    OffsetDateTime.parse(field.getValue().asText());
                } catch (DateTimeParseException e) {
                    throw new InvalidEventException("field \"data." + field.getKey() + "\" must be an RFC 3339 timestamp");
                }
            }
        }
        for (String key : kind.keyFields()) {
            if (!data.has(key)) {
                throw new InvalidEventException("missing field \"data." + key + "\"");
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
