package dev.ferry.replication.service;

import dev.ferry.replication.api.Condition;
import dev.ferry.replication.api.CustomCaSpec;
import dev.ferry.replication.api.ExternalSpec;
import dev.ferry.replication.api.MoverStatus;
import dev.ferry.replication.api.ObjectMeta;
import dev.ferry.replication.api.RcloneDestinationSpec;
import dev.ferry.replication.api.RcloneSourceSpec;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationSpec;
import dev.ferry.replication.api.ReplicationDestinationStatus;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.ReplicationSourceStatus;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.api.ResticDestinationSpec;
import dev.ferry.replication.api.ResticRetainPolicy;
import dev.ferry.replication.api.ResticSourceSpec;
import dev.ferry.replication.api.ResticStatus;
import dev.ferry.replication.api.RsyncDestinationSpec;
import dev.ferry.replication.api.RsyncSourceSpec;
import dev.ferry.replication.api.RsyncStatus;
import dev.ferry.replication.api.RsyncTlsDestinationSpec;
import dev.ferry.replication.api.RsyncTlsSourceSpec;
import dev.ferry.replication.api.RsyncTlsStatus;
import dev.ferry.replication.api.SyncthingPeer;
import dev.ferry.replication.api.SyncthingPeerStatus;
import dev.ferry.replication.api.SyncthingSpec;
import dev.ferry.replication.api.SyncthingStatus;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.api.TypedLocalObjectReference;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The types Ferry's own mappers read and write (records from Kafka, status documents, stored rows): in a native
 * image, Jackson reaches their constructors, accessors and fields only if they are registered.
 */
@RegisterForReflection(targets = { ReplicationSource.class, ReplicationDestination.class, ObjectMeta.class,
        ReplicationSourceSpec.class, ReplicationDestinationSpec.class, TriggerSpec.class, RsyncSourceSpec.class,
        RsyncDestinationSpec.class, RsyncTlsSourceSpec.class, RsyncTlsDestinationSpec.class, RcloneSourceSpec.class,
        RcloneDestinationSpec.class, ResticSourceSpec.class, ResticDestinationSpec.class, ResticRetainPolicy.class,
        CustomCaSpec.class, SyncthingSpec.class, SyncthingPeer.class, ExternalSpec.class, ReplicationStatus.class,
        ReplicationSourceStatus.class, ReplicationDestinationStatus.class, MoverStatus.class, Condition.class,
        RsyncStatus.class, RsyncTlsStatus.class, ResticStatus.class, SyncthingStatus.class,
        SyncthingPeerStatus.class, TypedLocalObjectReference.class,
        StatusDocument.class })
final class ReflectionRegistrations {

    private ReflectionRegistrations() {
    }
}
