package dev.ferry.replication.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.ferry.json.StorableText;

/**
 * A Kubernetes {@code metav1.Condition}; VolSync only uses the type {@code Synchronizing}. The message is kept within
 * the type's 32,768 characters and storable ({@link StorableText}): it may quote a record's values.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Condition(String type, String status, Long observedGeneration, Instant lastTransitionTime,
        String reason, String message) {

    /** {@code metav1.Condition}'s {@code maxLength} of a message. */
    public static final int MAX_MESSAGE_LENGTH = 32768;

    public Condition {
        message = StorableText.of(message, MAX_MESSAGE_LENGTH);
    }
}
