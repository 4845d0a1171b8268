package dev.ferry.rpc;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks a call's params against Juju's schema before they are decoded: a missing required field or a value of the
 * wrong JSON type is a {@code bad request} whose message names the field (e.g. {@code entities[0].tag}). Unknown
 * fields are ignored, as Juju's own JSON decoding ignores them.
 */
final class ParamsValidator {

    private final JujuSchema schema;

    ParamsValidator(JujuSchema schema) {
        this.schema = schema;
    }

    void validate(String facade, JsonNode schemaNode, JsonNode value, String path) {
        JsonNode type = schema.resolve(facade, schemaNode);
        if (value == null || value.isNull()) {
            // Go decodes null into the zero value; only a missing required field is an error (checked by the parent).
            return;
        }
        String expected = type.path("type").asText("");
        switch (expected) {
            case "object" -> validateObject(facade, type, value, path);
            case "array" -> {
                require(value.isArray(), path, "an array", value);
                JsonNode items = type.path("items");
                for (int i = 0; i < value.size(); i++) {
                    if (!items.isMissingNode()) {
                        validate(facade, items, value.get(i), path + "[" + i + "]");
                    }
                }
            }
            case "string" -> require(value.isTextual(), path, "a string", value);
            case "integer" -> require(value.isIntegralNumber(), path, "an integer", value);
            case "number" -> require(value.isNumber(), path, "a number", value);
            case "boolean" -> require(value.isBoolean(), path, "a boolean", value);
            default -> {
                // untyped in the schema (e.g. "info" maps): anything goes
            }
        }
    }

    private void validateObject(String facade, JsonNode type, JsonNode value, String path) {
        require(value.isObject(), path, "an object", value);
        for (JsonNode required : type.path("required")) {
            if (!value.has(required.asText())) {
                throw RpcException.badRequest("missing field \"" + join(path, required.asText()) + "\"");
            }
        }
        JsonNode properties = type.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode propertySchema = properties.get(field.getKey());
            if (propertySchema != null) {
                validate(facade, propertySchema, field.getValue(), join(path, field.getKey()));
            } else if (type.has("patternProperties")) {
                JsonNode any = type.path("patternProperties").path(".*");
                if (!any.isMissingNode()) {
                    validate(facade, any, field.getValue(), join(path, field.getKey()));
                }
            }
        }
    }

    private static void require(boolean ok, String path, String expected, JsonNode actual) {
        if (!ok) {
            throw RpcException.badRequest("field \"" + (path.isEmpty() ? "params" : path) + "\" must be " + expected
                    + ", got " + describe(actual));
        }
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
