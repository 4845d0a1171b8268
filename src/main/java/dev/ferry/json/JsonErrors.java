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
        String text = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (text == null) {
            text = e.getClass().getSimpleName();
        }
        text = SOURCE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
                m.group(1) == null ? "the input" : "line " + m.group(1) + ", column " + m.group(2)));
        JsonLocation at = e instanceof JsonProcessingException j ? j.getLocation() : null;
        if (at != null && at.getLineNr() > 0) {
            text += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
