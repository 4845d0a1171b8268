package dev.ferry.rpc;

import java.util.List;

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

    /** A request ready to run: its method and decoded params. */
    public record Prepared(FacadeMethod<?, ?> method, CallContext context, Object params) {

        public boolean batchable() {
            return method.batchHandler() != null;
        }
    }

    /**
     * Everything before running a request, without I/O: route, the facade's AvailableTo, params checked against
     * the schema and decoded. Throws {@link RpcException} for a request that cannot run.
     */
    public Prepared prepare(CallContext context, RequestEnvelope request) {
        FacadeMethod<?, ?> method = registry.route(request.type(), request.version(), request.request());
        if (registry.availableTo(request.type()).stream().noneMatch(context.caller().kinds()::contains)) {
            throw RpcException.perm();
        }
        Object params = null;
        if (method.paramsType() != null) {
            validator.validate(request.type(), registry.paramsSchema(request.type(), request.request()),
                    request.params(), "");
            try {
                params = mapper.treeToValue(request.params(), method.paramsType());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw RpcException.badRequest("params: " + e.getOriginalMessage());
            }
        }
        return new Prepared(method, context, params);
    }

    /** Runs one prepared call; a whole-call error is a failed Uni with an {@link RpcException}. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public Uni<Object> run(Prepared call) {
        try {
            return ((FacadeMethod.Handler) call.method().handler()).handle(call.context(), call.params());
        } catch (RpcException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** Runs consecutive calls of one batchable method set-based; one outcome per call, in order. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public Uni<List<FacadeMethod.Outcome<Object>>> runAll(List<Prepared> calls) {
        FacadeMethod.BatchHandler handler = calls.get(0).method().batchHandler();
        List<FacadeMethod.Call<Object>> batch = calls.stream()
                .map(c -> new FacadeMethod.Call<>(c.context(), c.params())).toList();
        return (Uni<List<FacadeMethod.Outcome<Object>>>) (Uni) handler.handleAll((List) batch);
    }
}
