package io.meanstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.kafka.local.SharedTestBroker;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class TopicBootstrapperTest {

    @Test
    void createsMissingTopicsOnceWithTheirConfigsAndReportsDrift() throws Exception {
        Topics topics = Topics.withSuffix(".bootstrap-test");
        KafkaClientConfig config = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        try (Admin admin = Admin.create(config.admin("test"))) {
            TopicBootstrapper bootstrapper = new TopicBootstrapper(admin);

            TopicBootstrapper.Report first = bootstrapper.ensure(topics.all());
            assertEquals(topics.all().size(), first.created().size());
            assertTrue(first.consistent(), first.mismatches().toString());
            Set<String> names = admin.listTopics().names().get();
            topics.all().forEach(spec -> assertTrue(names.contains(spec.name()), spec.name()));
            assertEquals(6, admin.describeTopics(List.of(topics.images().name())).allTopicNames().get()
                    .get(topics.images().name()).partitions().size());
            ConfigResource labels = new ConfigResource(ConfigResource.Type.TOPIC, topics.labels().name());
            assertEquals("compact", admin.describeConfigs(List.of(labels)).all().get().get(labels).get("cleanup.policy").value());

            TopicBootstrapper.Report second = bootstrapper.ensure(topics.all());
            assertTrue(second.created().isEmpty(), "idempotent");
            assertEquals(topics.all().size(), second.existing().size());
            assertTrue(second.consistent());

            // Somebody changed the labels topic by hand: reported, not silently "fixed".
            admin.incrementalAlterConfigs(Map.of(labels, List.of(
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SET)))).all().get();
            TopicBootstrapper.Report third = bootstrapper.ensure(topics.all());
            assertFalse(third.consistent());
            assertEquals(1, third.mismatches().size(), third.mismatches().toString());
            assertTrue(third.mismatches().get(0).contains("cleanup.policy=delete, expected compact"), third.mismatches().toString());
        }
    }

    @Test
    void reportsAPartitionCountThatDiffersFromTheRegistry() throws Exception {
        Topics small = Topics.fromEnv(Map.of("MEANSTREAM_TOPIC_IMAGES", "meanstream.images.partition-test",
                "MEANSTREAM_TOPIC_IMAGES_PARTITIONS", "2"));
        Topics big = Topics.fromEnv(Map.of("MEANSTREAM_TOPIC_IMAGES", "meanstream.images.partition-test",
                "MEANSTREAM_TOPIC_IMAGES_PARTITIONS", "3"));
        try (Admin admin = Admin.create(KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers()).admin("test"))) {
            new TopicBootstrapper(admin).ensure(List.of(small.images()));
            TopicBootstrapper.Report report = new TopicBootstrapper(admin).ensure(List.of(big.images()));
            assertEquals(List.of("meanstream.images.partition-test: partitions 2, expected 3"), report.mismatches());
        }
    }
}
