package dev.ferry.replication.mover;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** VolSync's log handling for {@code latestMoverStatus.logs}: keep the mover's lines, then the last N bytes. */
public final class MoverLogs {

    private MoverLogs() {
    }

    /**
     * A predicate keeping lines that match any of the patterns (anchored at the trimmed start when told so); kept
     * lines stay as the tool wrote them.
     */
    public static Predicate<String> anyOf(Pattern... patterns) {
        return line -> {
            String trimmed = line.strip();
            for (Pattern p : patterns) {
                if (p.matcher(trimmed).find()) {
                    return true;
                }
            }
            return false;
        };
    }

    public static String filter(String logs, Predicate<String> keep, MoverSettings settings) {
        String considered = lastLines(logs, settings.logTailLines());
        String kept = settings.logDebug() ? considered.strip()
                : considered.lines().filter(keep).collect(Collectors.joining("\n"));
        return tail(kept, settings.logMaxBytes());
    }

    public static String all(String logs, MoverSettings settings) {
        return tail(lastLines(logs, settings.logTailLines()).strip(), settings.logMaxBytes());
    }

    /** The last {@code count} lines of the log, as a pod log's {@code tailLines} gives them; all when negative. */
    public static String lastLines(String logs, int count) {
        if (count < 0) {
            return logs;
        }
        List<String> lines = logs.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    static String tail(String text, int maxBytes) {
        if (maxBytes <= 0) {
            return "";
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        // The last bytes, less what is left of a character the cut split (its continuation bytes).
        int start = bytes.length - maxBytes;
        while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
            start++;
        }
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }
}
