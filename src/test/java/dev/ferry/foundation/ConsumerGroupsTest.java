package dev.ferry.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.ferry.stream.KafkaClientProperties;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every consumer group Ferry joins rebalances incrementally: when an instance joins, leaves or crashes, only the
 * partitions changing hands stop, and the other instances go on with theirs while the group waits for a crashed
 * member's session to time out (eagerly, every instance would stop every partition for that long).
 */
@QuarkusTest
class ConsumerGroupsTest {

    private static final List<String> GROUPS = List.of("ferry-rpc", "ferry-model-events", "ferry-volsync-sources",
            "ferry-volsync-destinations");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "ferry.rpc.instance-id")
    Optional<String> instanceId;

    @Test
    void everyGroupOfFerrysRebalancesIncrementally() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeConsumerGroups(GROUPS).all()
                    .get().values().stream().allMatch(g -> g.groupState() == GroupState.STABLE));
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(GROUPS).all().get();
            groups.forEach((name, group) -> assertThat(group.partitionAssignor()).as(name)
                    .isEqualTo("cooperative-sticky"));
        }
    }

    /** Static members named after the instance; see ReplicationGroupMembershipIT for what that changes. */
    @Test
    void theReplicationConsumersAreStaticMembersNamedAfterTheInstance() throws Exception {
        String instance = KafkaClientProperties.instanceId(instanceId);
        Map<String, String> expected = Map.of("ferry-volsync-sources", instance + "-volsync-sources",
                "ferry-volsync-destinations", instance + "-volsync-destinations");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(
                        List.copyOf(expected.keySet())).all().get();
                expected.forEach((group, member) -> assertThat(groups.get(group).members())
                        .as(group).extracting(m -> m.groupInstanceId().orElse("(dynamic)"))
                        .containsExactly(member));
            });
        }
    }
}
