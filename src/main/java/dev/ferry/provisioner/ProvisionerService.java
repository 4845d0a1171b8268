package dev.ferry.provisioner;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.ferry.rpc.CallContext;
import dev.ferry.rpc.CallerDirectory;
import dev.ferry.rpc.ErrorCodes;
import dev.ferry.rpc.RpcError;
import dev.ferry.rpc.RpcException;
import dev.ferry.rpc.auth.SigningKeys;
import dev.ferry.rpc.params.Entities;
import dev.ferry.rpc.params.Entity;
import dev.ferry.rpc.params.EntityPassword;
import dev.ferry.rpc.params.EntityPasswords;
import dev.ferry.rpc.params.ErrorResult;
import dev.ferry.rpc.params.ErrorResults;
import dev.ferry.rpc.params.LifeResult;
import dev.ferry.rpc.params.LifeResults;
import dev.ferry.rpc.params.StringResult;
import dev.ferry.rpc.params.StringsWatchResult;
import dev.ferry.rpc.tag.InvalidTagException;
import dev.ferry.rpc.tag.MachineTag;
import dev.ferry.rpc.tag.Tag;
import dev.ferry.state.MachineStore;
import dev.ferry.watcher.WatcherRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/** The Provisioner facade's logic, on the batch's database session; the facade classes only route to it. */
@ApplicationScoped
public class ProvisionerService {

    /** Juju's minimum agent password length. */
    static final int MIN_AGENT_PASSWORD_BYTES = 18;
    static final String MODEL_MACHINES = "model-machines";

    private final MachineStore machines;
    private final WatcherRegistry watchers;
    private final CallerDirectory callers;

    public ProvisionerService(MachineStore machines, WatcherRegistry watchers, CallerDirectory callers) {
        this.machines = machines;
        this.watchers = watchers;
        this.callers = callers;
    }

    public Uni<StringResult> modelUuid(CallContext context) {
        return requireModel(context).replaceWith(StringResult.of(context.modelUuid()));
    }

    public Uni<LifeResults> life(CallContext context, Entities params) {
        List<Entity> entities = params.entities() == null ? List.of() : params.entities();
        List<Object> checked = new ArrayList<>(entities.size());
        Set<String> wanted = new LinkedHashSet<>();
        for (Entity entity : entities) {
            Object outcome = accessibleMachine(context, entity.tag());
            checked.add(outcome);
            if (outcome instanceof MachineTag machine) {
                wanted.add(machine.id());
            }
        }
        return requireModel(context).chain(() -> machines.lives(context.session(), context.modelUuid(), wanted))
                .map(lives -> new LifeResults(checked.stream().map(outcome -> {
                    if (outcome instanceof RpcError error) {
                        return LifeResult.failed(error);
                    }
                    String id = ((MachineTag) outcome).id();
                    String life = lives.get(id);
                    return life == null ? LifeResult.failed(RpcError.notFound("machine " + id)) : LifeResult.of(life);
                }).toList()));
    }

    public Uni<ErrorResults> setPasswords(CallContext context, EntityPasswords params) {
        List<EntityPassword> changes = params.changes() == null ? List.of() : params.changes();
        List<Object> checked = new ArrayList<>(changes.size());
        Set<String> wanted = new LinkedHashSet<>();
        for (EntityPassword change : changes) {
            Object outcome = accessibleMachine(context, change.tag());
            checked.add(outcome);
            if (outcome instanceof MachineTag machine) {
                wanted.add(machine.id());
            }
        }
        return requireModel(context).chain(() -> machines.lives(context.session(), context.modelUuid(), wanted))
                .chain(lives -> Multi.createFrom().range(0, changes.size())
                        .onItem().transformToUniAndConcatenate(i -> setPassword(context, changes.get(i), checked.get(i),
                                lives.keySet()))
                        .collect().asList())
                .map(ErrorResults::new);
    }

    private Uni<ErrorResult> setPassword(CallContext context, EntityPassword change, Object outcome,
            Set<String> existing) {
        if (outcome instanceof RpcError error) {
            return Uni.createFrom().item(new ErrorResult(error));
        }
        MachineTag machine = (MachineTag) outcome;
        if (!existing.contains(machine.id())) {
            return Uni.createFrom().item(new ErrorResult(RpcError.notFound("machine " + machine.id())));
        }
        String password = change.password() == null ? "" : change.password();
        int length = password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (length < MIN_AGENT_PASSWORD_BYTES) {
            return Uni.createFrom().item(new ErrorResult(new RpcError(
                    "password is only " + length + " bytes long, and is not a valid Agent password", ErrorCodes.NONE)));
        }
        // PBKDF2 costs milliseconds: derive on a worker, come back to the session's context to store it.
        return Uni.createFrom()
                .completionStage(() -> Vertx.currentContext()
                        .executeBlocking(() -> SigningKeys.derive(password, machine.toString()), false)
                        .toCompletionStage())
                .chain(key -> callers.storeKey(context.session(), context.modelUuid(), machine.toString(), key))
                .replaceWith(ErrorResult.OK);
    }

    public Uni<StringsWatchResult> watchModelMachines(CallContext context) {
        if (!context.caller().isController()) {
            return Uni.createFrom().failure(RpcException.perm());
        }
        return requireModel(context)
                .chain(() -> machines.topLevelMachineIds(context.session(), context.modelUuid()))
                .chain(initial -> watchers.create(context.session(), context.modelUuid(), context.caller().tag(),
                        WatcherRegistry.STRINGS, MODEL_MACHINES, "")
                        .map(id -> new StringsWatchResult(id, initial.isEmpty() ? null : initial, null)));
    }

    /** Tag parse → access check; yields the MachineTag or the per-entity error (ErrPerm for both failures). */
    private static Object accessibleMachine(CallContext context, String rawTag) {
        Tag tag;
        try {
            tag = Tag.parse(rawTag == null ? "" : rawTag);
        } catch (InvalidTagException e) {
            return RpcError.perm();
        }
        if (!MachineAccess.canAccess(context.caller(), tag) || !(tag instanceof MachineTag machine)) {
            return RpcError.perm();
        }
        return machine;
    }

    private Uni<Void> requireModel(CallContext context) {
        return machines.modelExists(context.session(), context.modelUuid()).chain(exists -> exists
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(RpcException.notFound("model \"" + context.modelUuid() + "\"")));
    }
}
