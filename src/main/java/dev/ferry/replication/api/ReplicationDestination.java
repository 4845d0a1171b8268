package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A VolSync {@code ReplicationDestination} exactly as its CRD ({@code volsync.backube/v1alpha1}) has it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({ "apiVersion", "kind", "metadata", "spec", "status" })
public record ReplicationDestination(String apiVersion, String kind, ObjectMeta metadata,
        ReplicationDestinationSpec spec, ReplicationDestinationStatus status) implements ReplicationObject {

    public static final String KIND = "ReplicationDestination";
    /** The {@code role} label of its metrics, as VolSync names it. */
    public static final String ROLE = "destination";

    public ReplicationDestination withStatus(ReplicationDestinationStatus next) {
        return new ReplicationDestination(apiVersion, kind, metadata, spec, next);
    }

    public ReplicationDestination withMetadata(ObjectMeta next) {
        return new ReplicationDestination(apiVersion, kind, next, spec, status);
    }

    @Override
    @JsonIgnore
    public TriggerSpec trigger() {
        return spec == null ? null : spec.trigger();
    }

    @Override
    @JsonIgnore
    public boolean hasExternal() {
        return spec != null && spec.external() != null;
    }

    @Override
    @JsonIgnore
    public String role() {
        return ROLE;
    }
}
