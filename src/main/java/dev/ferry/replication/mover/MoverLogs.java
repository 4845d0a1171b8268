package dev.ferry.replication.mover;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** VolSync's log handling for {@code latestMoverStatus.logs}: keep the mover's lines, then the last N bytes. */
public final class MoverLogs {

    private MoverLogs() {
    }

    /** A predicate keeping lines that match any of the patterns (anchored at the trimmed start when told so). */
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
        String kept = settings.logDebug() ? logs.strip()
                : logs.lines().filter(keep).map(String::strip).collect(Collectors.joining("\n"));
        return tail(kept, settings.logMaxBytes());
    }

    public static String all(String logs, MoverSettings settings) {
        return tail(logs.strip(), settings.logMaxBytes());
    }

    static String tail(String text, int maxBytes) {
        if (maxBytes <= 0) {
            return "";
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        String cut = new String(bytes, bytes.length - maxBytes, maxBytes, StandardCharsets.UTF_8);
        return cut.replace("\uFFFD", "");
    }
}
