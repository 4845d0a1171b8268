package dev.ferry.rpc;

import java.util.List;

/**
 * A facade joins the registry by being a CDI bean implementing this: its name as in Juju's schema, the versions it
 * serves, and the methods of each version. One class per facade version is the usual shape.
 */
public interface Facade {

    String name();

    int version();

    List<FacadeMethod<?, ?>> methods();
}
