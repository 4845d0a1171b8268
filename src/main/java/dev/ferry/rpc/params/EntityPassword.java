package dev.ferry.rpc.params;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code EntityPassword}: a new password for one agent. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntityPassword(@JsonProperty("tag") String tag, @JsonProperty("password") String password) {

    @Override
    public String toString() {
        return "EntityPassword[tag=" + tag + ", password=<redacted>]";
    }
}
