package dev.ferry.state.events;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.rpc.tag.ModelTag;

/** The JSON type an event field must have, and the SQL type its column has. */
enum FieldType {
    TEXT("text"), INT("int"), BIGINT("bigint"), BOOL("boolean"), TEXT_ARRAY("text[]"), JSON("jsonb"), UUID("uuid"),
    TIMESTAMP("timestamptz"), ANY("jsonb");

    final String sqlType;

    FieldType(String sqlType) {
        this.sqlType = sqlType;
    }

    boolean accepts(JsonNode value) {
        return switch (this) {
            case TEXT -> value.isTextual();
            case UUID -> value.isTextual() && ModelTag.isValidUuid(value.asText());
            case TIMESTAMP -> value.isTextual();
            case INT -> value.isInt();
            case BIGINT -> value.isIntegralNumber() && value.canConvertToLong();
            case BOOL -> value.isBoolean();
            case TEXT_ARRAY -> value.isArray() && allText(value);
            case JSON -> value.isObject();
            case ANY -> !value.isNull();
        };
    }

    String describe() {
        return switch (this) {
            case TEXT -> "a string";
            case UUID -> "a UUID string";
            case TIMESTAMP -> "an RFC 3339 timestamp string";
            case INT -> "an integer (32 bits)";
            case BIGINT -> "an integer (64 bits)";
            case BOOL -> "a boolean";
            case TEXT_ARRAY -> "an array of strings";
            case JSON -> "an object";
            case ANY -> "a JSON value";
        };
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
