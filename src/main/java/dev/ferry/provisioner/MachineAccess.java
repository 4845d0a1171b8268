package dev.ferry.provisioner;

import dev.ferry.rpc.Caller;
import dev.ferry.rpc.tag.MachineTag;
import dev.ferry.rpc.tag.Tag;

/**
 * Juju's per-entity rule for the Provisioner facade: a machine agent reaches itself and its own direct containers;
 * the controller reaches top-level machines; nothing else is reachable. Checked before existence, so an unknown
 * top-level machine is "not found" to the controller but "permission denied" to a machine agent.
 */
final class MachineAccess {

    private MachineAccess() {
    }

    static boolean canAccess(Caller caller, Tag tag) {
        if (caller.isMachineAgent() && tag.toString().equals(caller.tag())) {
            return true;
        }
        if (!(tag instanceof MachineTag machine)) {
            return false;
        }
        if (machine.parentId().isEmpty()) {
            return caller.isController();
        }
        return caller.isMachineAgent() && caller.tag().equals("machine-" + machine.parentId().get().replace('/', '-'));
    }
}
