package dev.ferry.rpc.params;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.ferry.rpc.RpcError;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code LifeResult}: {@code alive}, {@code dying} or {@code dead}, or an error. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LifeResult(@JsonProperty("life") String life, @JsonProperty("error") RpcError error) {

    public static LifeResult of(String life) {
        return new LifeResult(life, null);
    }

    public static LifeResult failed(RpcError error) {
        return new LifeResult("", error);
    }
}
