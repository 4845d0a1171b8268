package dev.ferry.watcher;

import java.util.List;

import dev.ferry.rpc.CallContext;
import dev.ferry.rpc.Facade;
import dev.ferry.rpc.FacadeMethod;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Juju's watcher facades, StringsWatcher v1 and NotifyWatcher v1, addressed by the request's {@code id}. Changes are
 * pushed on {@code juju.watcher.changes} rather than pulled with Next, so Stop is the method that matters.
 */
public final class WatcherFacades {

    private WatcherFacades() {
    }

    /** {@code StringsWatcher} v1. */
    @ApplicationScoped
    public static class StringsWatcherV1 implements Facade {
        private final WatcherRegistry watchers;

        public StringsWatcherV1(WatcherRegistry watchers) {
            this.watchers = watchers;
        }

        @Override
        public String name() {
            return WatcherRegistry.STRINGS;
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public List<FacadeMethod<?, ?>> methods() {
            return List.of(FacadeMethod.noParams("Stop", null, this::stop));
        }

        Uni<Object> stop(CallContext context) {
            return watchers.stop(context.session(), context.objectId(), context.caller().tag(), WatcherRegistry.STRINGS)
                    .replaceWith((Object) null);
        }
    }

    /** {@code NotifyWatcher} v1. */
    @ApplicationScoped
    public static class NotifyWatcherV1 implements Facade {
        private final WatcherRegistry watchers;

        public NotifyWatcherV1(WatcherRegistry watchers) {
            this.watchers = watchers;
        }

        @Override
        public String name() {
            return WatcherRegistry.NOTIFY;
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public List<FacadeMethod<?, ?>> methods() {
            return List.of(FacadeMethod.noParams("Stop", null, this::stop));
        }

        Uni<Object> stop(CallContext context) {
            return watchers.stop(context.session(), context.objectId(), context.caller().tag(), WatcherRegistry.NOTIFY)
                    .replaceWith((Object) null);
        }
    }
}
