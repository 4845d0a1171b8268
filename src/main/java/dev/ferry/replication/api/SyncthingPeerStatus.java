package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One of {@code status.syncthing.peers}: a device Syncthing knows, where it was seen and whether it is connected. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SyncthingPeerStatus(String address, @JsonProperty("ID") String id, boolean connected,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String introducedBy,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String name) {

    /** Empty is absent, as Go's {@code omitempty} writes it, so that a status read back equals the one written. */
    public SyncthingPeerStatus {
        introducedBy = introducedBy == null || introducedBy.isEmpty() ? null : introducedBy;
        name = name == null || name.isEmpty() ? null : name;
    }
}
