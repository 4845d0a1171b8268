package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code status.rsyncTLS}: the secret holding the pre-shared key ({@code psk.txt}) to hand to the peer, and
 * (destination) the address and port where it listens.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RsyncTlsStatus(String keySecret, String address, Integer port) {
}
