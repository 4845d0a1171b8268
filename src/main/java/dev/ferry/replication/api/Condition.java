package dev.ferry.replication.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A Kubernetes {@code metav1.Condition}; VolSync only uses the type {@code Synchronizing}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Condition(String type, String status, Long observedGeneration, Instant lastTransitionTime,
        String reason, String message) {
}
