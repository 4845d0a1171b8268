package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A VolSync {@code ReplicationSource} exactly as its CRD ({@code volsync.backube/v1alpha1}) has it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({ "apiVersion", "kind", "metadata", "spec", "status" })
public record ReplicationSource(String apiVersion, String kind, ObjectMeta metadata, ReplicationSourceSpec spec,
        ReplicationSourceStatus status) implements ReplicationObject {

    public static final String KIND = "ReplicationSource";
    /** The {@code role} label of its metrics, as VolSync names it. */
    public static final String ROLE = "source";

    public ReplicationSource withStatus(ReplicationSourceStatus next) {
        return new ReplicationSource(apiVersion, kind, metadata, spec, next);
    }

    public ReplicationSource withMetadata(ObjectMeta next) {
        return new ReplicationSource(apiVersion, kind, next, spec, status);
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
