package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One of {@code spec.syncthing.peers}: a Syncthing device this one shares its volume with, at {@code address}
 * ({@code tcp://host:port}); {@code introducer}: that peer may introduce this one to the devices it shares with.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SyncthingPeer(String address, @JsonProperty("ID") String id, boolean introducer) {
}
