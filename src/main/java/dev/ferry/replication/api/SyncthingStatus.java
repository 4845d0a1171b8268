package dev.ferry.replication.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code status.syncthing}: this source's device ID, the address peers reach it at, and the devices it knows. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SyncthingStatus(@JsonProperty("ID") String id, String address, List<SyncthingPeerStatus> peers) {

    public static SyncthingStatus empty() {
        return new SyncthingStatus(null, null, null);
    }
}
