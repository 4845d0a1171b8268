package dev.ferry.devservices;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;

/**
 * Ferry's own dev services (see {@link DevServices}), in dev mode and tests only. Registered for every profile, so it
 * reaches {@link DevServices} by a name read from the configuration rather than by a link: the broker, database and
 * container classes those need are absent from a packaged application, and a native image's analysis, which follows
 * links and constant names, must not reach them either.
 */
public final class DevServicesConfigSourceFactory implements ConfigSourceFactory {

    static final int PRIORITY = 275;
    /** The class that starts the dev services; configurable only so that its name is not a constant. */
    static final String STARTER = "ferry.embedded.starter";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        if (!profiles.contains("dev") && !profiles.contains("test")) {
            return List.of();
        }
        if (!Boolean.parseBoolean(value(context, "ferry.embedded.enabled", "true"))) {
            return List.of();
        }
        String starter = value(context, STARTER, "dev.ferry.devservices.DevServices");
        try {
            @SuppressWarnings("unchecked")
            Iterable<ConfigSource> sources = (Iterable<ConfigSource>) Class.forName(starter)
                    .getMethod("configSources", ConfigSourceContext.class).invoke(null, context);
            return sources;
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the dev services (" + starter + "): " + e, e);
        }
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(PRIORITY);
    }

    static String value(ConfigSourceContext context, String key, String defaultValue) {
        ConfigValue value = context.getValue(key);
        return isBlank(value) ? defaultValue : value.getValue();
    }

    static boolean isBlank(ConfigValue value) {
        return value == null || value.getValue() == null || value.getValue().isBlank();
    }
}
