package dev.ferry.replication.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The status fields ReplicationSource and ReplicationDestination share. Mutable on purpose: one reconcile pass
 * edits it the way VolSync's controller edits its in-memory object, then the whole document is persisted.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public abstract class ReplicationStatus {

    public static final String CONDITION_SYNCHRONIZING = "Synchronizing";

    public Instant lastSyncTime;
    public Instant lastSyncStartTime;
    public String lastSyncDuration;
    public Instant nextSyncTime;
    public String lastManualSync;
    public MoverStatus latestMoverStatus;
    public List<Condition> conditions = new ArrayList<>();
    public Map<String, String> external;

    /** Sets a condition with Kubernetes semantics: the transition time moves only when the status flips. */
    public void setCondition(String type, String status, String reason, String message, Instant now) {
        Optional<Condition> old = condition(type);
        Instant transition = old.filter(c -> Objects.equals(c.status(), status)).map(Condition::lastTransitionTime)
                .orElse(now);
        List<Condition> next = new ArrayList<>();
        if (conditions != null) {
            conditions.stream().filter(c -> !type.equals(c.type())).forEach(next::add);
        }
        next.add(new Condition(type, status, null, transition, reason, message));
        conditions = next;
    }

    public Optional<Condition> condition(String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.type())).findFirst();
    }

    @JsonIgnore
    public Optional<Condition> synchronizing() {
        return condition(CONDITION_SYNCHRONIZING);
    }
}
