package dev.ferry.rpc.params;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code StringsWatchResults}: one watcher (or error) per entry asked for. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StringsWatchResults(@JsonProperty("results") List<StringsWatchResult> results) {
}
