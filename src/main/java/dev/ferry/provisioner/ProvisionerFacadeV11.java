package dev.ferry.provisioner;

import java.util.List;

import dev.ferry.rpc.Facade;
import dev.ferry.rpc.FacadeMethod;
import dev.ferry.rpc.params.Entities;
import dev.ferry.rpc.params.EntityPasswords;
import dev.ferry.rpc.params.ErrorResults;
import dev.ferry.rpc.params.LifeResults;
import dev.ferry.rpc.params.StringResult;
import dev.ferry.rpc.params.StringsWatchResult;
import dev.ferry.rpc.params.StringsWatchResults;
import dev.ferry.rpc.params.WatchContainers;
import jakarta.enterprise.context.ApplicationScoped;

/** Juju's Provisioner facade, version 11: the methods Ferry serves so far, routed to {@link ProvisionerService}. */
@ApplicationScoped
public class ProvisionerFacadeV11 implements Facade {

    private final ProvisionerService service;

    public ProvisionerFacadeV11(ProvisionerService service) {
        this.service = service;
    }

    @Override
    public String name() {
        return "Provisioner";
    }

    @Override
    public int version() {
        return 11;
    }

    @Override
    public List<FacadeMethod<?, ?>> methods() {
        return List.of(
                FacadeMethod.noParams("ModelUUID", StringResult.class, service::modelUuid)
                        .batched(service::modelUuidAll),
                FacadeMethod.of("Life", Entities.class, LifeResults.class, service::life).batched(service::lifeAll),
                FacadeMethod.of("SetPasswords", EntityPasswords.class, ErrorResults.class, service::setPasswords),
                FacadeMethod.noParams("WatchModelMachines", StringsWatchResult.class, service::watchModelMachines),
                FacadeMethod.of("WatchContainers", WatchContainers.class, StringsWatchResults.class,
                        service::watchContainers),
                FacadeMethod.of("WatchAllContainers", WatchContainers.class, StringsWatchResults.class,
                        service::watchAllContainers));
    }
}
