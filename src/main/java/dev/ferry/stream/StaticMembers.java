package dev.ferry.stream;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.jboss.logging.Logger;

/**
 * Removes this instance's static members from their groups once its consumers are closed: a static member stays in
 * its group when its consumer closes (and a consumer closed with a leave request while its group is rebalancing may
 * not send it), so its partitions would wait for its session to end (45 s), and for good for an instance that comes
 * back under another name. Blocking and bounded (6 s a group), for threads that stop the application.
 */
public final class StaticMembers {

    private static final Logger LOG = Logger.getLogger(StaticMembers.class);

    private StaticMembers() {
    }

    /** {@code kafka}: the client properties (bootstrap servers, security); members by group. */
    public static void leave(Map<String, Object> kafka, String clientId, Map<String, List<String>> membersOfGroup) {
        if (membersOfGroup.isEmpty()) {
            return;
        }
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        try (Admin admin = Admin.create(config)) {
            membersOfGroup.forEach((group, members) -> remove(admin, group, members));
        } catch (RuntimeException e) {
            LOG.warnf("Could not leave the groups %s (%s); their partitions move when the sessions time out",
                    membersOfGroup.keySet(), e.toString());
        }
    }

    private static void remove(Admin admin, String group, List<String> members) {
        List<MemberToRemove> toRemove = members.stream().map(MemberToRemove::new).toList();
        try {
            admin.removeMembersFromConsumerGroup(group,
                    new RemoveMembersFromConsumerGroupOptions(toRemove).timeoutMs(5_000)).all()
                    .get(6, TimeUnit.SECONDS);
            LOG.infof("%s: left as %s", group, members);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownMemberIdException) {
                LOG.debugf("%s: %s no longer members", group, members);
            } else {
                LOG.warnf("%s: could not leave as %s (%s); its partitions move when the session times out", group,
                        members, e.getCause().toString());
            }
        } catch (TimeoutException e) {
            LOG.warnf("%s: could not leave as %s in time; its partitions move when the session times out", group,
                    members);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
