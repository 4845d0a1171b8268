package dev.ferry.rpc.params;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.ferry.rpc.RpcError;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code ErrorResult}: the outcome of one entry, {@code {}} on success. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorResult(@JsonProperty("error") RpcError error) {

    public static final ErrorResult OK = new ErrorResult(null);
}
