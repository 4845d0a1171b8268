package dev.ferry.replication.api;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The subset of Kubernetes' {@code metadata} that VolSync objects carry and Ferry keeps. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ObjectMeta(String name, String namespace, String uid, Long generation, String resourceVersion,
        Instant creationTimestamp, Map<String, String> labels, Map<String, String> annotations) {

    public ObjectMeta withIdentity(String namespace, String name, String uid, Instant created) {
        return new ObjectMeta(name, namespace, uid, generation, resourceVersion, created, labels, annotations);
    }

    /** Who the object is, without what it carries besides (labels, annotations, resourceVersion). */
    public ObjectMeta identity() {
        return new ObjectMeta(name, namespace, uid, generation, null, creationTimestamp, null, null);
    }

    public ObjectMeta withGeneration(long generation) {
        return new ObjectMeta(name, namespace, uid, generation, resourceVersion, creationTimestamp, labels,
                annotations);
    }
}
