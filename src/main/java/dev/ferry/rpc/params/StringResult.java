package dev.ferry.rpc.params;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.ferry.rpc.RpcError;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code StringResult}. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StringResult(@JsonProperty("result") String result, @JsonProperty("error") RpcError error) {

    public static StringResult of(String result) {
        return new StringResult(result, null);
    }
}
