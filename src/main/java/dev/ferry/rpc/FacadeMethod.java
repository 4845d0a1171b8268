package dev.ferry.rpc;

import io.smallrye.mutiny.Uni;

/**
 * One method of one facade version: its name as on the wire, the record its params decode into and the record of
 * its result (null where the schema has none), and the handler. Both records mirror Juju's schema, which a test
 * checks for every registered method.
 */
public record FacadeMethod<P, R>(String name, Class<P> paramsType, Class<R> resultType, Handler<P, R> handler) {

    /** The method's logic; throws or fails with {@link RpcException} for a whole-call error. */
    @FunctionalInterface
    public interface Handler<P, R> {
        Uni<R> handle(CallContext context, P params);
    }

    /** The method's logic when it takes no params. */
    @FunctionalInterface
    public interface NoParamsHandler<R> {
        Uni<R> handle(CallContext context);
    }

    public static <P, R> FacadeMethod<P, R> of(String name, Class<P> paramsType, Class<R> resultType,
            Handler<P, R> handler) {
        return new FacadeMethod<>(name, paramsType, resultType, handler);
    }

    public static <R> FacadeMethod<Void, R> noParams(String name, Class<R> resultType, NoParamsHandler<R> handler) {
        return new FacadeMethod<>(name, null, resultType, (context, ignored) -> handler.handle(context));
    }
}
