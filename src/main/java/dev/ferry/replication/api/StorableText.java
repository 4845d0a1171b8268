package dev.ferry.replication.api;

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
                out.append(String.format("\\u%04x", (int) c));
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
