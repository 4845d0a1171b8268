package dev.ferry.rpc.params;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code Entities}: the tags a bulk call is about. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Entities(@JsonProperty("entities") List<Entity> entities) {
}
