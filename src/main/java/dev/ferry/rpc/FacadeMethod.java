package dev.ferry.rpc;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * One method of one facade version: its name as on the wire, the record its params decode into and the record of
 * its result (null where the schema has none), and the handler. Both records mirror Juju's schema, which a test
 * checks for every registered method.
 */
public record FacadeMethod<P, R>(String name, Class<P> paramsType, Class<R> resultType, Handler<P, R> handler,
        BatchHandler<P, R> batchHandler) {

    /** The method's logic; throws or fails with {@link RpcException} for a whole-call error. */
    @FunctionalInterface
    public interface Handler<P, R> {
        Uni<R> handle(CallContext context, P params);
    }

    /**
     * The same logic for consecutive calls of this method in one poll, set-based (one query for all of them): one
     * outcome per call, in call order. Optional; methods without one run call by call.
     */
    @FunctionalInterface
    public interface BatchHandler<P, R> {
        Uni<List<Outcome<R>>> handleAll(List<Call<P>> calls);
    }

    /** One call of a batch: its context and decoded params. */
    public record Call<P>(CallContext context, P params) {
    }

    /** The result of one call of a batch, or its whole-call error. */
    public record Outcome<R>(R result, RpcException error) {

        public static <R> Outcome<R> of(R result) {
            return new Outcome<>(result, null);
        }

        public static <R> Outcome<R> failed(RpcException error) {
            return new Outcome<>(null, error);
        }
    }

    /** The method's logic when it takes no params. */
    @FunctionalInterface
    public interface NoParamsHandler<R> {
        Uni<R> handle(CallContext context);
    }

    public static <P, R> FacadeMethod<P, R> of(String name, Class<P> paramsType, Class<R> resultType,
            Handler<P, R> handler) {
        return new FacadeMethod<>(name, paramsType, resultType, handler, null);
    }

    public static <R> FacadeMethod<Void, R> noParams(String name, Class<R> resultType, NoParamsHandler<R> handler) {
        return new FacadeMethod<>(name, null, resultType, (context, ignored) -> handler.handle(context), null);
    }

    /** This method, also runnable set-based for consecutive calls in one poll. */
    public FacadeMethod<P, R> batched(BatchHandler<P, R> batch) {
        return new FacadeMethod<>(name, paramsType, resultType, handler, batch);
    }
}
