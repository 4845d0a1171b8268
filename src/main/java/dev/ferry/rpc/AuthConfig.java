package dev.ferry.rpc;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bootstrap credentials and the signing rules (see README, "Signing requests"). */
@ConfigMapping(prefix = "ferry.auth")
public interface AuthConfig {

    /** Password of {@code user-admin}, the controller superuser. Unset: nobody can call as user-admin. */
    Optional<String> adminPassword();

    /** Password of the controller's machine agent (tag {@link #controllerAgentTag()}). */
    Optional<String> controllerAgentPassword();

    @WithDefault("machine-0")
    String controllerAgentTag();

    @WithDefault("user-admin")
    String adminTag();

    /** How far a request's {@code ferry-timestamp} may be from the server clock, either way. */
    @WithDefault("5m")
    Duration timestampWindow();
}
