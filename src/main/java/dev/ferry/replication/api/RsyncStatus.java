package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code status.rsync}: the key secret to hand to the peer, and (listening side) the address to reach it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RsyncStatus(String sshKeys, String address, Integer port) {

    public static RsyncStatus empty() {
        return new RsyncStatus(null, null, null);
    }
}
