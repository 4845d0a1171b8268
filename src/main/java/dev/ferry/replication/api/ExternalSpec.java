package dev.ferry.replication.api;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code spec.external}: a mover provided by someone else; VolSync (and Ferry) leave such objects alone. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExternalSpec(String provider, Map<String, String> parameters) {
}
