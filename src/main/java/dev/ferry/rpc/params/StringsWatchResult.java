package dev.ferry.rpc.params;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.ferry.rpc.RpcError;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code StringsWatchResult}: the watcher id with its initial changes. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StringsWatchResult(@JsonProperty("watcher-id") String watcherId,
        @JsonProperty("changes") List<String> changes, @JsonProperty("error") RpcError error) {
}
