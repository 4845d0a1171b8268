package dev.ferry.rpc.params;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code WatchContainer}: a machine, and the type of its containers to watch ("" for all). */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WatchContainer(@JsonProperty("machine-tag") String machineTag,
        @JsonProperty("container-type") String containerType) {
}
