package dev.ferry.watcher;

import java.util.List;

import dev.ferry.rpc.CallContext;
import dev.ferry.rpc.Facade;
import dev.ferry.rpc.FacadeMethod;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

/**
 * Juju's watcher facades, StringsWatcher v1 and NotifyWatcher v1, addressed by the request's {@code id}. Changes are
 * pushed on {@code juju.watcher.changes} rather than pulled with Next, so Stop is the method that matters.
 */
public abstract class WatcherFacades implements Facade {

    private final WatcherRegistry watchers;
    private final String type;

    WatcherFacades(WatcherRegistry watchers, String type) {
        this.watchers = watchers;
        this.type = type;
    }

    @Override
    public String name() {
        return type;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public List<FacadeMethod<?, ?>> methods() {
        return List.of(FacadeMethod.noParams("Stop", null, this::stop));
    }

    private Uni<Object> stop(CallContext context) {
        return watchers.stop(context.session(), context.modelUuid(), context.objectId(), context.caller().tag(), type)
                .replaceWith((Object) null);
    }

    /** {@code StringsWatcher} v1. */
    @Singleton
    public static class StringsWatcherV1 extends WatcherFacades {
        public StringsWatcherV1(WatcherRegistry watchers) {
            super(watchers, WatcherRegistry.STRINGS);
        }
    }

    /** {@code NotifyWatcher} v1. */
    @Singleton
    public static class NotifyWatcherV1 extends WatcherFacades {
        public NotifyWatcherV1(WatcherRegistry watchers) {
            super(watchers, WatcherRegistry.NOTIFY);
        }
    }
}
