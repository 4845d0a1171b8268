package dev.ferry.replication.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.ferry.replication.support.RcloneToLocalPath;
import dev.ferry.rpc.FerryProcess;

/**
 * Ferry killed outright (SIGKILL: no shutdown, no Cleanup) takes its movers' tools with it. An rsync destination's
 * daemon left running would keep its port, so that the instance taking the object over could not listen there, and
 * would go on accepting a source's transfers that no Ferry records.
 */
class MoverToolsEndWithFerryIT {

    private static final String INSTANCE = "tools-end-test";

    @Test
    void givenAnRsyncDestinationWaitingForItsSource_whenFerryIsKilled_thenItsDaemonEndsToo() throws Exception {
        RcloneToLocalPath volumes = new RcloneToLocalPath("tools-end");
        Map<String, String> settings = volumes.settings(INSTANCE);
        settings.put("ferry.replication.scratch-dir", volumes.root().resolve("scratch").toString());
        try (FerryProcess ferry = new FerryProcess(settings)) {
            ferry.start(Map.of());
            String destination = """
                    {"apiVersion": "volsync.backube/v1alpha1", "kind": "ReplicationDestination",
                     "metadata": {"name": "rd", "namespace": "%s"},
                     "spec": {"trigger": {"manual": "go"}, "rsync": {"copyMethod": "Direct", "destinationPVC": "data"}}}
                    """.formatted(volumes.namespace());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ferry.bootstrapServers(), ProducerConfig.ACKS_CONFIG,
                    "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("volsync.replication-destinations", volumes.namespace() + "/rd",
                        destination)).get();
            }
            ProcessHandle ferryProcess = ProcessHandle.of(ferry.pid()).orElseThrow();
            List<ProcessHandle> daemons = Awaitility.await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200)).until(() -> rsyncsUnder(ferryProcess), found -> !found.isEmpty());

            ferry.kill();

            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(daemons)
                    .as("the destination's rsync daemon, once Ferry is gone").noneMatch(ProcessHandle::isAlive));
            ferry.removeFromGroups(INSTANCE);
        }
    }

    private static List<ProcessHandle> rsyncsUnder(ProcessHandle parent) {
        return parent.descendants().filter(p -> p.info().command().orElse("").endsWith("/rsync")).toList();
    }
}
