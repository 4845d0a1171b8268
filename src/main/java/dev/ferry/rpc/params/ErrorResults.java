package dev.ferry.rpc.params;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code ErrorResults}: one result per input, in input order. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorResults(@JsonProperty("results") List<ErrorResult> results) {
}
