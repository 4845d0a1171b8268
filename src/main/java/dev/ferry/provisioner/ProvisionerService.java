package dev.ferry.provisioner;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ferry.rpc.CallContext;
import dev.ferry.rpc.CallerDirectory;
import dev.ferry.rpc.ErrorCodes;
import dev.ferry.rpc.FacadeMethod.Call;
import dev.ferry.rpc.FacadeMethod.Outcome;
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
import dev.ferry.rpc.params.StringsWatchResults;
import dev.ferry.rpc.params.WatchContainer;
import dev.ferry.rpc.params.WatchContainers;
import dev.ferry.rpc.tag.ContainerType;
import dev.ferry.rpc.tag.InvalidTagException;
import dev.ferry.rpc.tag.MachineTag;
import dev.ferry.rpc.tag.Tag;
import dev.ferry.state.MachineStore;
import dev.ferry.state.MachineStore.ModelMachine;
import dev.ferry.watcher.WatcherRegistry;
import dev.ferry.watcher.WatcherSubjects;
import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/** The Provisioner facade's logic, on the batch's database session; the facade classes only route to it. */
@ApplicationScoped
public class ProvisionerService {

    /** Juju's minimum agent password length. */
    static final int MIN_AGENT_PASSWORD_BYTES = 18;

    private final MachineStore machines;
    private final WatcherRegistry watchers;
    private final CallerDirectory callers;

    public ProvisionerService(MachineStore machines, WatcherRegistry watchers, CallerDirectory callers) {
        this.machines = machines;
        this.watchers = watchers;
        this.callers = callers;
    }

    public Uni<StringResult> modelUuid(CallContext context) {
        return modelUuidAll(List.of(new Call<>(context, null))).map(ProvisionerService::only);
    }

    /**
     * ModelUUID for consecutive calls of a poll: one query for all their models. As Juju's, it fails in its result,
     * never as a call: an unknown model is a {@code result} of "" with the error beside.
     */
    public Uni<List<Outcome<StringResult>>> modelUuidAll(List<Call<Void>> calls) {
        return machines.existingModels(session(calls), models(calls)).map(existing -> calls.stream()
                .map(call -> Outcome.of(existing.contains(call.context().modelUuid())
                        ? StringResult.of(call.context().modelUuid())
                        : new StringResult("", RpcError.of(unknownModel(call.context())))))
                .toList());
    }

    public Uni<LifeResults> life(CallContext context, Entities params) {
        return lifeAll(List.of(new Call<>(context, params))).map(ProvisionerService::only);
    }

    /**
     * Life for consecutive calls of a poll, set-based: one query for their models and all the machines they name.
     * Per entity: tag parse and access check (ErrPerm), then existence (NotFound), as Juju orders them.
     */
    public Uni<List<Outcome<LifeResults>>> lifeAll(List<Call<Entities>> calls) {
        List<List<Object>> checked = new ArrayList<>(calls.size());
        Set<ModelMachine> wanted = new LinkedHashSet<>();
        for (Call<Entities> call : calls) {
            List<Entity> entities = call.params().entities() == null ? List.of() : call.params().entities();
            List<Object> outcomes = new ArrayList<>(entities.size());
            for (Entity entity : entities) {
                // A null entry is Go's zero Entity: an empty tag, refused for that entry alone.
                Object outcome = accessibleMachine(call.context(), entity == null ? null : entity.tag());
                outcomes.add(outcome);
                if (outcome instanceof MachineTag machine) {
                    wanted.add(new ModelMachine(call.context().modelUuid(), machine.id()));
                }
            }
            checked.add(outcomes);
        }
        Mutiny.Session session = session(calls);
        return machines.modelsAndLives(session, models(calls), wanted).map(found -> {
            Set<String> existing = found.existingModels();
            Map<ModelMachine, String> lives = found.lives();
            List<Outcome<LifeResults>> results = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                CallContext context = calls.get(i).context();
                if (!existing.contains(context.modelUuid())) {
                    results.add(Outcome.failed(unknownModel(context)));
                    continue;
                }
                results.add(Outcome.of(new LifeResults(checked.get(i).stream().map(outcome -> {
                    if (outcome instanceof RpcError error) {
                        return LifeResult.failed(error);
                    }
                    String id = ((MachineTag) outcome).id();
                    String life = lives.get(new ModelMachine(context.modelUuid(), id));
                    return life == null ? LifeResult.failed(RpcError.notFound("machine " + id))
                            : LifeResult.of(life);
                }).toList())));
            }
            return results;
        });
    }

    public Uni<ErrorResults> setPasswords(CallContext context, EntityPasswords params) {
        List<EntityPassword> changes = params.changes() == null ? List.of() : params.changes();
        List<Object> checked = new ArrayList<>(changes.size());
        Set<ModelMachine> wanted = new LinkedHashSet<>();
        for (EntityPassword change : changes) {
            Object outcome = accessibleMachine(context, change == null ? null : change.tag());
            checked.add(outcome);
            if (outcome instanceof MachineTag machine) {
                wanted.add(new ModelMachine(context.modelUuid(), machine.id()));
            }
        }
        return machines.modelsAndLives(context.session(), List.of(context.modelUuid()), wanted)
                .chain(found -> found.existingModels().isEmpty() ? Uni.createFrom().<Map<ModelMachine, String>> failure(
                        unknownModel(context)) : Uni.createFrom().item(found.lives()))
                .chain(lives -> Multi.createFrom().range(0, changes.size())
                        .onItem().transformToUniAndConcatenate(i -> setPassword(context, changes.get(i), checked.get(i),
                                lives.keySet()))
                        .collect().asList())
                .map(ErrorResults::new);
    }

    private Uni<ErrorResult> setPassword(CallContext context, EntityPassword change, Object outcome,
            Set<ModelMachine> existing) {
        if (outcome instanceof RpcError error) {
            return Uni.createFrom().item(new ErrorResult(error));
        }
        MachineTag machine = (MachineTag) outcome;
        if (!existing.contains(new ModelMachine(context.modelUuid(), machine.id()))) {
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
                .chain(() -> watchers.lockModels(context.session(), List.of(context.modelUuid())))
                .chain(() -> machines.topLevelMachineIds(context.session(), context.modelUuid()))
                .chain(initial -> watchers.create(context.session(), context.modelUuid(), context.caller().tag(),
                        WatcherRegistry.STRINGS, WatcherSubjects.MODEL_MACHINES, "")
                        .map(id -> StringsWatchResult.of(id, initial)));
    }

    /** WatchContainers: per entry, a watcher of the machine's direct containers of the type asked for. */
    public Uni<StringsWatchResults> watchContainers(CallContext context, WatchContainers params) {
        return watchContainers(context, params, true);
    }

    /** WatchAllContainers: WatchContainers whatever type each entry names. */
    public Uni<StringsWatchResults> watchAllContainers(CallContext context, WatchContainers params) {
        return watchContainers(context, params, false);
    }

    /**
     * Per entry, as Juju orders it: tag parse and access check (ErrPerm), existence (NotFound), then a watcher whose
     * initial changes are the containers there now. A type names the containers of that type ("" is all of them);
     * Juju 3.3 takes any type, so one it does not know watches nothing.
     */
    private Uni<StringsWatchResults> watchContainers(CallContext context, WatchContainers params, boolean byType) {
        List<WatchContainer> entries = params.params() == null ? List.of() : params.params();
        List<Object> checked = entries.stream()
                .map(entry -> accessibleMachine(context, entry == null ? null : entry.machineTag())).toList();
        List<String> machineIds = checked.stream().filter(MachineTag.class::isInstance)
                .map(machine -> ((MachineTag) machine).id()).toList();
        Mutiny.Session session = context.session();
        return requireModel(context)
                .chain(() -> watchers.lockModels(session, List.of(context.modelUuid())))
                .chain(() -> machines.containersOf(session, context.modelUuid(), machineIds))
                .chain(containers -> Multi.createFrom().range(0, entries.size())
                        .onItem().transformToUniAndConcatenate(i -> {
                            if (checked.get(i) instanceof RpcError error) {
                                return Uni.createFrom().item(StringsWatchResult.failed(error));
                            }
                            String machineId = ((MachineTag) checked.get(i)).id();
                            List<String> present = containers.get(machineId);
                            if (present == null) {
                                return Uni.createFrom().item(
                                        StringsWatchResult.failed(RpcError.notFound("machine " + machineId)));
                            }
                            String type = byType ? entries.get(i).containerType() : "";
                            List<String> initial = present.stream().filter(id -> ofType(id, type)).toList();
                            return watchers.create(session, context.modelUuid(), context.caller().tag(),
                                    WatcherRegistry.STRINGS, WatcherSubjects.containersOf(machineId, type), type)
                                    .map(id -> StringsWatchResult.of(id, initial));
                        })
                        .collect().asList())
                .map(StringsWatchResults::new);
    }

    private static boolean ofType(String containerId, String type) {
        return type == null || type.isEmpty() || MachineTag.ofId(containerId).containerType()
                .map(ContainerType::value).orElse("").equals(type);
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
        return machines.existingModels(context.session(), List.of(context.modelUuid()))
                .chain(existing -> existing.contains(context.modelUuid()) ? Uni.createFrom().voidItem()
                        : Uni.createFrom().<Void> failure(unknownModel(context)));
    }

    private static RpcException unknownModel(CallContext context) {
        return RpcException.notFound("model \"" + context.modelUuid() + "\"");
    }

    private static <P> Mutiny.Session session(List<Call<P>> calls) {
        // All calls of a batch share the batch's session and transaction.
        return calls.get(0).context().session();
    }

    private static <P> List<String> models(List<Call<P>> calls) {
        return calls.stream().map(c -> c.context().modelUuid()).distinct().toList();
    }

    private static <R> R only(List<Outcome<R>> outcomes) {
        Outcome<R> outcome = outcomes.get(0);
        if (outcome.error() != null) {
            throw outcome.error();
        }
        return outcome.result();
    }
}
