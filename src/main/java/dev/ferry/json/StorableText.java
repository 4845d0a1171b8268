package dev.ferry.json;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Text as PostgreSQL can keep it: its text and JSONB types take no NUL character and no half of a surrogate pair
 * (JSON's {@code \\ud800} alone), so such characters in what Ferry stores from a record (an error naming a value, a
 * tool's log line) are written out as {@code \\u0000} rather than failing every attempt to store it.
 */
public final class StorableText {

    private StorableText() {
    }

    /** {@code text} with every character PostgreSQL refuses written out as {@code \\uXXXX}. */
    public static String of(String text) {
        if (text == null || firstUnstorable(text) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isUnstorableAt(text, i)) {
                out.append(escape(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@link #of}, cut to at most {@code max} characters (ending in "…" when cut, never between a pair's halves). */
    public static String of(String text, int max) {
        String storable = of(text);
        if (storable == null || storable.length() <= max) {
            return storable;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(storable.charAt(end - 1))) {
            end--;
        }
        return storable.substring(0, end) + "…";
    }

    /** The index of the first character PostgreSQL refuses, or -1. */
    public static int firstUnstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isUnstorableAt(text, i)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Text PostgreSQL cannot keep, found in a JSON tree: {@code path} names the value ({@code spec.a[0]}) or, for a
     * field name, the field; {@code parent} is where that field is.
     */
    public record Unstorable(String path, String parent, boolean inFieldName, char character) {

        /** "a NUL character (\\u0000)" or "half of a surrogate pair (\\ud800)". */
        public String description() {
            return (character == '\0' ? "a NUL character" : "half of a surrogate pair") + " (" + escape(character)
                    + ")";
        }
    }

    /** The first string of {@code node}, value or field name, holding text PostgreSQL cannot keep. */
    public static Optional<Unstorable> firstIn(JsonNode node) {
        return firstIn(node, "");
    }

    private static Optional<Unstorable> firstIn(JsonNode node, String path) {
        if (node.isTextual()) {
            int at = firstUnstorable(node.textValue());
            return at < 0 ? Optional.empty()
                    : Optional.of(new Unstorable(path, path, false, node.textValue().charAt(at)));
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<Unstorable> found = firstIn(node.get(i), path + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                int at = firstUnstorable(field.getKey());
                if (at >= 0) {
                    return Optional.of(new Unstorable(fieldPath, path, true, field.getKey().charAt(at)));
                }
                Optional<Unstorable> found = firstIn(field.getValue(), fieldPath);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** A character written out as JSON escapes it: {@code \\u0000}. */
    private static String escape(char c) {
        return String.format(Locale.ROOT, "\\u%04x", (int) c);
    }

    private static boolean isUnstorableAt(String text, int i) {
        char c = text.charAt(i);
        if (c == '\0') {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
    }
}
