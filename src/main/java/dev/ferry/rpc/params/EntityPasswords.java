package dev.ferry.rpc.params;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code EntityPasswords}: the params of {@code SetPasswords}. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntityPasswords(@JsonProperty("changes") List<EntityPassword> changes) {
}
