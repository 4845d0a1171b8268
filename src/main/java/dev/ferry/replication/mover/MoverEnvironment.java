package dev.ferry.replication.mover;

import java.time.Clock;

import dev.ferry.replication.job.JobRunner;
import dev.ferry.replication.volume.ConfigMapStore;
import dev.ferry.replication.volume.SecretStore;
import dev.ferry.replication.volume.ServiceBackend;
import dev.ferry.replication.volume.VolumeBackend;

/** Everything a mover may touch: volumes, secrets, config maps, services, jobs, the clock and the tool settings. */
public record MoverEnvironment(VolumeBackend volumes, SecretStore secrets, ConfigMapStore configMaps,
        ServiceBackend services, JobRunner jobs, Clock clock, MoverSettings settings) {
}
