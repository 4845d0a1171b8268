package dev.ferry.json;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A parse error in one line, for error answers and dead-letter reasons: what and where, without the parser's own
 * wording of its input ({@code [Source: REDACTED (`StreamReadFeature...` disabled); line: 1, column: 5]}) or its
 * line breaks (a Kafka header value, a log line).
 */
public final class JsonErrors {

    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*(?:; line: (\\d+), column: (\\d+))?]");

    private JsonErrors() {
    }

    public static String describe(IOException e) {
        String text = e.getMessage();
        String at = "";
        if (e instanceof JsonProcessingException parse) {
            text = parse.getOriginalMessage();
            JsonLocation location = parse.getLocation();
            if (location != null && location.getLineNr() > 0) {
                at = " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
            }
        }
        if (text == null) {
            text = e.getClass().getSimpleName();
        }
        text = SOURCE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
                m.group(1) == null ? "the input" : "line " + m.group(1) + ", column " + m.group(2)));
        return (text + at).replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
