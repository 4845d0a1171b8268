package dev.ferry.rpc;

import java.util.Set;

/**
 * The authenticated caller of a request: its Juju tag and the kinds of login it counts as, in the vocabulary of
 * the schema's {@code AvailableTo} ({@code controller-machine-agent}, {@code machine-agent}, {@code controller-user},
 * {@code model-user}, {@code unit-agent}).
 */
public record Caller(String tag, Set<String> kinds) {

    public static final String CONTROLLER_MACHINE_AGENT = "controller-machine-agent";
    public static final String MACHINE_AGENT = "machine-agent";
    public static final String CONTROLLER_USER = "controller-user";
    public static final String MODEL_USER = "model-user";
    public static final String UNIT_AGENT = "unit-agent";

    /** A machine agent of the model, or the controller's machine agent. */
    public boolean isMachineAgent() {
        return kinds.contains(MACHINE_AGENT);
    }

    /** Juju's AuthController: the controller's own machine agent. */
    public boolean isController() {
        return kinds.contains(CONTROLLER_MACHINE_AGENT);
    }

    /** A user with superuser access to the controller. */
    public boolean isControllerSuperuser() {
        return kinds.contains(CONTROLLER_USER);
    }
}
