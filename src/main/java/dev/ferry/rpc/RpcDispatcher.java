package dev.ferry.rpc;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Executes one decoded request for an authenticated caller: routes it, enforces the facade's {@code AvailableTo},
 * validates the params against Juju's schema, decodes them into the method's record and runs the method. Whole-call
 * errors come back as a failed Uni with an {@link RpcException}.
 */
@ApplicationScoped
public class RpcDispatcher {

    private final FacadeRegistry registry;
    private final ObjectMapper mapper;
    private final ParamsValidator validator;

    public RpcDispatcher(FacadeRegistry registry, ObjectMapper mapper) {
        this.registry = registry;
        this.mapper = mapper;
        this.validator = new ParamsValidator(registry.schema());
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    public Uni<Object> dispatch(CallContext context, RequestEnvelope request) {
        try {
            FacadeMethod method = registry.route(request.type(), request.version(), request.request());
            List<String> availableTo = registry.availableTo(request.type());
            if (availableTo.stream().noneMatch(context.caller().kinds()::contains)) {
                throw RpcException.perm();
            }
            Object params = null;
            if (method.paramsType() != null) {
                JsonNode paramsSchema = registry.schema().params(request.type(), request.request())
                        .orElseThrow(() -> new IllegalStateException(request.type() + "." + request.request()
                                + " takes no params in Juju's schema"));
                validator.validate(request.type(), paramsSchema, request.params(), "");
                params = mapper.treeToValue(request.params(), method.paramsType());
            }
            return (Uni<Object>) method.handler().handle(context, params);
        } catch (RpcException e) {
            return Uni.createFrom().failure(e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(RpcException.badRequest("params: " + e.getOriginalMessage()));
        }
    }
}
