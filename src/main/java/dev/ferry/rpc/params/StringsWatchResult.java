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

    /** A watcher and its initial changes (none is no {@code changes} field, as Juju's omitempty leaves it out). */
    public static StringsWatchResult of(String watcherId, List<String> initial) {
        return new StringsWatchResult(watcherId, initial.isEmpty() ? null : initial, null);
    }

    /** No watcher: Juju's zero result, an empty id beside the error. */
    public static StringsWatchResult failed(RpcError error) {
        return new StringsWatchResult("", null, error);
    }
}
