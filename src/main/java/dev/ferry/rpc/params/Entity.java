package dev.ferry.rpc.params;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code Entity}: one tag. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Entity(@JsonProperty("tag") String tag) {
}
