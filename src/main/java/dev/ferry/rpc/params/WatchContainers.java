package dev.ferry.rpc.params;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code WatchContainers}: the machines whose containers to watch. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WatchContainers(@JsonProperty("params") List<WatchContainer> params) {
}
