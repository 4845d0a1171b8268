package dev.ferry.rpc;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Routes a request by (facade type, version, method) to a {@link FacadeMethod}. Unknown types, versions and methods
 * are answered with Juju's own {@code not implemented} messages. Every registered method must exist in Juju's
 * schema, checked when the registry is built.
 */
@ApplicationScoped
public class FacadeRegistry {

    private final JujuSchema schema;
    private final Map<String, Map<Integer, Map<String, FacadeMethod<?, ?>>>> routes = new HashMap<>();
    // Read from the schema once, not per request.
    private final Map<String, Set<String>> availableTo = new HashMap<>();
    private final Map<String, JsonNode> paramsSchemas = new HashMap<>();

    public FacadeRegistry(Instance<Facade> facades, ObjectMapper mapper) {
        this.schema = JujuSchema.load(mapper);
        for (Facade facade : facades) {
            if (!schema.hasFacade(facade.name())) {
                throw new IllegalStateException("facade " + facade.name() + " is not in Juju's schema");
            }
            availableTo.computeIfAbsent(facade.name(), n -> Set.copyOf(schema.availableTo(n)));
            Map<String, FacadeMethod<?, ?>> methods = routes.computeIfAbsent(facade.name(), n -> new HashMap<>())
                    .computeIfAbsent(facade.version(), v -> new HashMap<>());
            for (FacadeMethod<?, ?> method : facade.methods()) {
                if (!schema.hasMethod(facade.name(), method.name())) {
                    throw new IllegalStateException(facade.name() + "." + method.name() + " is not in Juju's schema");
                }
                if (method.paramsType() != null) {
                    paramsSchemas.put(facade.name() + "." + method.name(),
                            schema.params(facade.name(), method.name()).orElseThrow(() -> new IllegalStateException(
                                    facade.name() + "." + method.name() + " takes no params in Juju's schema")));
                }
                if (methods.put(method.name(), method) != null) {
                    throw new IllegalStateException(facade.name() + "(" + facade.version() + ")." + method.name()
                            + " is registered twice");
                }
            }
        }
    }

    public JujuSchema schema() {
        return schema;
    }

    /** The method for this request, or a {@code not implemented} RpcException worded as Juju words it. */
    public FacadeMethod<?, ?> route(String type, int version, String method) {
        Map<Integer, Map<String, FacadeMethod<?, ?>>> versions = routes.get(type);
        if (versions == null) {
            throw RpcException.notImplemented("unknown object type \"" + type + "\"");
        }
        Map<String, FacadeMethod<?, ?>> methods = versions.get(version);
        if (methods == null) {
            throw RpcException.notImplemented("unknown version (" + version + ") of interface \"" + type + "\"");
        }
        FacadeMethod<?, ?> found = methods.get(method);
        if (found == null) {
            throw RpcException.notImplemented(
                    "no such request - method " + type + "(" + version + ")." + method + " is not implemented");
        }
        return found;
    }

    /** The caller kinds a routed facade is available to. */
    public Set<String> availableTo(String type) {
        return availableTo.get(type);
    }

    /** The schema of a routed method's params (only for methods that take params). */
    public JsonNode paramsSchema(String type, String method) {
        return paramsSchemas.get(type + "." + method);
    }

    /** Every registered route, by facade, version and method: for tests that check them against the schema. */
    public Map<String, Map<Integer, Map<String, FacadeMethod<?, ?>>>> routes() {
        return routes;
    }
}
