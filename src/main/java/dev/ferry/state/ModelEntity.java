package dev.ferry.state;

import java.time.OffsetDateTime;
import java.util.UUID;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A Juju model as Ferry knows it from {@code juju.model.events}. */
@Entity
@Table(name = "models")
public class ModelEntity extends PanacheEntityBase {

    @Id
    public UUID uuid;

    @Column(nullable = false)
    public String name;

    @Column(name = "owner_tag", nullable = false)
    public String ownerTag;

    @Column(name = "model_type", nullable = false)
    public String modelType = "iaas";

    @Column(nullable = false)
    public String life = "alive";

    @Column(name = "migration_mode", nullable = false)
    public String migrationMode = "";

    @Column(nullable = false)
    public String cloud = "";

    @Column(name = "cloud_region", nullable = false)
    public String cloudRegion = "";

    @Column(name = "agent_version", nullable = false)
    public String agentVersion = "";

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();
}
