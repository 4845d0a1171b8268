package dev.ferry.state.events;

import static dev.ferry.state.events.EventKind.global;
import static dev.ferry.state.events.EventKind.kind;
import static dev.ferry.state.events.FieldType.ANY;
import static dev.ferry.state.events.FieldType.BIGINT;
import static dev.ferry.state.events.FieldType.BOOL;
import static dev.ferry.state.events.FieldType.INT;
import static dev.ferry.state.events.FieldType.JSON;
import static dev.ferry.state.events.FieldType.TEXT;
import static dev.ferry.state.events.FieldType.TEXT_ARRAY;
import static dev.ferry.state.events.FieldType.TIMESTAMP;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The catalogue of {@code juju.model.events} (documented in {@code kafka/model-events.md}): every kind, its key and
 * its fields. Model kinds are keyed within the event's model; controller config and agent tools are global.
 */
final class EventCatalogue {

    static final Map<String, EventKind> KINDS = List.of(
            kind("model", "models").keys().field("name", TEXT).field("owner-tag", TEXT).field("model-type", TEXT)
                    .field("life", TEXT).field("migration-mode", TEXT).field("cloud", TEXT)
                    .field("cloud-region", TEXT).field("agent-version", TEXT)
                    .required("name", "owner-tag").build(),
            kind("machine", "machines").keys("machine-id").field("machine-id", TEXT).field("life", TEXT)
                    .field("base", TEXT).field("jobs", TEXT_ARRAY).field("nonce", TEXT).field("placement", TEXT)
                    .field("instance-id", TEXT).field("display-name", TEXT).field("hardware", JSON)
                    .field("supported-containers", TEXT_ARRAY).field("keep-instance", BOOL)
                    .field("marked-for-removal", BOOL).field("charm-profiles", TEXT_ARRAY)
                    .field("agent-version", TEXT).required("machine-id").build(),
            kind("charm", "charms").keys("url").field("url", TEXT).field("revision", INT).field("lxd-profile", JSON)
                    .required("url").build(),
            kind("application", "applications").keys("name").field("name", TEXT).field("charm-url", TEXT)
                    .field("life", TEXT).field("subordinate", BOOL).field("endpoint-bindings", JSON)
                    .required("name", "charm-url").build(),
            kind("unit", "units").keys("name").field("name", TEXT).field("application", TEXT)
                    .field("machine-id", TEXT).field("principal", TEXT).field("life", TEXT)
                    .required("name", "application").build(),
            kind("space", "spaces").keys("id").field("id", TEXT).field("name", TEXT).field("provider-id", TEXT)
                    .required("id", "name").build(),
            kind("subnet", "subnets").keys("cidr").field("cidr", TEXT).field("provider-id", TEXT)
                    .field("space-id", TEXT).field("availability-zones", TEXT_ARRAY).required("cidr").build(),
            kind("link-layer-device", "link_layer_devices").keys("machine-id", "name").field("machine-id", TEXT)
                    .field("name", TEXT).field("mac-address", TEXT).field("type", TEXT).field("parent-name", TEXT)
                    .field("mtu", INT).field("is-up", BOOL).required("machine-id", "name").build(),
            kind("address", "addresses").keys("machine-id", "device-name", "value").field("machine-id", TEXT)
                    .field("device-name", TEXT).field("value", TEXT).field("cidr", TEXT).field("scope", TEXT)
                    .field("origin", TEXT).field("config-type", TEXT)
                    .required("machine-id", "device-name", "value").build(),
            kind("status", "statuses").keys("entity-kind", "entity-id", "status-kind").field("entity-kind", TEXT)
                    .field("entity-id", TEXT).field("status-kind", TEXT).field("status", TEXT).field("info", TEXT)
                    .field("data", JSON).field("since", TIMESTAMP)
                    .required("entity-kind", "entity-id", "status-kind", "status").build(),
            kind("constraints", "constraints").keys("entity-kind", "entity-id").field("entity-kind", TEXT)
                    .field("entity-id", TEXT).field("value", JSON).required("entity-kind", "entity-id", "value").build(),
            kind("model-config", "model_config").keys("key").field("key", TEXT).field("value", ANY)
                    .required("key", "value").build(),
            global("controller-config", "controller_config").keys("key").field("key", TEXT).field("value", ANY)
                    .required("key", "value").build(),
            global("agent-tools", "agent_tools").keys("version", "os-type", "arch").field("version", TEXT)
                    .field("os-type", TEXT).field("arch", TEXT).field("url", TEXT).field("sha256", TEXT)
                    .field("size", BIGINT).required("version", "os-type", "arch", "url", "sha256", "size").build())
            .stream().collect(Collectors.toUnmodifiableMap(EventKind::name, Function.identity()));

    /** Fields whose values are an enumeration (checked in the database too). */
    static final Map<String, java.util.Set<String>> ALLOWED = Map.of(
            "life", java.util.Set.of("alive", "dying", "dead"),
            "model-type", java.util.Set.of("iaas", "caas"),
            "migration-mode", java.util.Set.of("", "importing", "exporting"));

    /** Entity kinds that constraints may be attached to. */
    static final java.util.Set<String> CONSTRAINT_ENTITIES = java.util.Set.of("model", "machine", "application");

    private EventCatalogue() {
    }
}
