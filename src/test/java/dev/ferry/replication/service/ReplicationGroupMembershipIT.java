package dev.ferry.replication.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.ferry.rpc.FerryProcess;

/**
 * The replication consumers are static members named after the instance: a crashed instance restarted under its
 * name holds its partitions again as soon as it is up, without the group waiting for the dead incarnation's session
 * to time out; and a graceful stop leaves the groups at once, although static members stay when their consumers
 * close. The session timeout is raised to 90 s here so that waiting for it could not pass for either.
 */
class ReplicationGroupMembershipIT {

    private static final String INSTANCE = "membership-test";
    // Groups of this test's own: an earlier test's Ferry killed in the default groups stays a member until its
    // session ends, and the group would wait for it.
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Map<String, String> GROUPS = Map.of("membership-sources-" + RUN, "volsync-sources",
            "membership-destinations-" + RUN, "volsync-destinations");
    private static final int PARTITIONS = 6;
    private static final Duration SESSION = Duration.ofSeconds(90);

    @Test
    void givenAnInstanceKilledAndRestartedUnderItsName_thenItHoldsItsPartitionsAtOnce_andAGracefulStopLeaves()
            throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("ferry.rpc.instance-id", INSTANCE));
        GROUPS.forEach((group, channel) -> {
            settings.put("mp.messaging.incoming." + channel + ".group.id", group);
            settings.put("mp.messaging.incoming." + channel + ".session.timeout.ms", Long.toString(SESSION.toMillis()));
        });
        try (FerryProcess ferry = new FerryProcess(settings);
                Admin admin = Admin.create(Map.of("bootstrap.servers", ferry.bootstrapServers()))) {
            ferry.start(Map.of());
            Map<String, MemberDescription> firstIncarnation = Awaitility.await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200)).until(() -> soleHolders(admin), holders -> holders != null);

            ferry.kill();
            long killed = System.nanoTime();
            ferry.start(Map.of());
            // Each incarnation's consumers get new member ids.
            Map<String, MemberDescription> secondIncarnation = Awaitility.await().atMost(SESSION.minusSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> soleHolders(admin),
                            holders -> holders != null && holders.keySet().stream().noneMatch(g -> holders.get(g)
                                    .consumerId().equals(firstIncarnation.get(g).consumerId())));
            System.out.printf("group membership: restarted under its name, all partitions held again %d ms after"
                    + " the kill%n", Duration.ofNanos(System.nanoTime() - killed).toMillis());
            GROUPS.forEach((group, channel) -> assertThat(secondIncarnation.get(group).groupInstanceId()).as(group)
                    .contains(INSTANCE + "-" + channel));

            ferry.stop();
            long stopped = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(describe(admin).values()).as("the groups after a graceful stop")
                            .allSatisfy(group -> assertThat(group.members()).isEmpty()));
            System.out.printf("group membership: groups empty %d ms after the stop returned%n",
                    Duration.ofNanos(System.nanoTime() - stopped).toMillis());
            List<String> all = admin.listGroups().all().get().stream().map(g -> g.groupId()).toList();
            assertThat(admin.describeConsumerGroups(all).all().get().values().stream()
                    .flatMap(g -> g.members().stream()).flatMap(m -> m.groupInstanceId().stream()))
                    .as("this instance's members in any group (its RPC and model-event lanes too)")
                    .noneMatch(id -> id.startsWith(INSTANCE + "-"));
        }
    }

    /** When each replication group has exactly one member holding every partition, that member by group; else null. */
    private static Map<String, MemberDescription> soleHolders(Admin admin) throws Exception {
        Map<String, ConsumerGroupDescription> groups;
        try {
            groups = describe(admin);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null; // not joined yet
            }
            throw e;
        }
        Map<String, MemberDescription> holders = new HashMap<>();
        for (Map.Entry<String, ConsumerGroupDescription> group : groups.entrySet()) {
            List<MemberDescription> members = List.copyOf(group.getValue().members());
            if (members.size() != 1 || members.get(0).assignment().topicPartitions().size() != PARTITIONS) {
                return null;
            }
            holders.put(group.getKey(), members.get(0));
        }
        return holders;
    }

    private static Map<String, ConsumerGroupDescription> describe(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.copyOf(GROUPS.keySet())).all().get();
    }
}
