package dev.ferry.watcher;

import java.util.List;

import dev.ferry.rpc.tag.MachineTag;

/**
 * What a watcher watches, as stored with it: the model's top-level machines, or the direct containers of one machine
 * (all of them, or those of one type). A machine's change is announced under every subject that covers it.
 */
public final class WatcherSubjects {

    /** Provisioner.WatchModelMachines: the model's top-level machines. */
    public static final String MODEL_MACHINES = "model-machines";
    private static final String CONTAINERS_OF = "containers:";

    private WatcherSubjects() {
    }

    /** WatchAllContainers (a null or empty type) or WatchContainers of one type: a machine's direct containers. */
    public static String containersOf(String parentId, String containerType) {
        return CONTAINERS_OF + parentId + (containerType == null || containerType.isEmpty() ? "" : ":" + containerType);
    }

    /** The subjects whose watchers hear of a change of this machine. */
    public static List<String> covering(MachineTag machine) {
        if (machine.parentId().isEmpty()) {
            return List.of(MODEL_MACHINES);
        }
        String parent = machine.parentId().get();
        return List.of(containersOf(parent, null), containersOf(parent, machine.containerType().orElseThrow().toString()));
    }
}
