package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.ferry.json.StorableText;

/**
 * {@code status.latestMoverStatus}: how the last mover run ended and the tail of its logs, storable whatever a tool
 * printed.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MoverStatus(String result, String logs) {

    public static final String SUCCESSFUL = "Successful";
    public static final String FAILED = "Failed";

    public MoverStatus {
        logs = StorableText.of(logs);
    }

    public static MoverStatus empty() {
        return new MoverStatus(null, null);
    }
}
