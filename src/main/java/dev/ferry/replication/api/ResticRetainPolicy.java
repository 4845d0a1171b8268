package dev.ferry.replication.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code spec.restic.retain}: which snapshots {@code restic forget} keeps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResticRetainPolicy(Integer hourly, Integer daily, Integer weekly, Integer monthly, Integer yearly,
        String within, String last) {
}
