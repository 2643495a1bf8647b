package io.meanstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void defaultsNameEveryRoleAndSetPolicies() {
        Topics topics = Topics.defaults();
        assertEquals(TopicRole.values().length, topics.all().size());
        assertEquals("meanstream.images", topics.images().name());
        assertEquals("meanstream.dead-letters", topics.deadLetters().name());
        assertEquals("compact", topics.labels().cleanupPolicy());
        assertEquals("compact", topics.models().cleanupPolicy());
        assertEquals("delete", topics.deadLetters().cleanupPolicy());
        assertEquals("delete", topics.images().cleanupPolicy());
        assertEquals(1, topics.models().partitions(), "releases are totally ordered");
        assertEquals(topics.images().partitions(), topics.labels().partitions(), "images and labels co-partitioned");
        assertEquals(Optional.empty(), topics.images().replicationFactor());
    }

    @Test
    void namesPartitionsAndReplicationAreOverridable() {
        Topics topics = Topics.fromEnv(Map.of(
                "MEANSTREAM_TOPIC_IMAGES", "factory.cam-frames",
                "MEANSTREAM_TOPIC_IMAGES_PARTITIONS", "12",
                "MEANSTREAM_TOPIC_REPLICATION_FACTOR", "3"));
        assertEquals("factory.cam-frames", topics.images().name());
        assertEquals(12, topics.images().partitions());
        assertEquals(12, topics.labels().partitions(), "labels follow images unless set");
        assertEquals(Optional.of((short) 3), topics.models().replicationFactor());
        assertEquals("meanstream.labels", topics.labels().name());
    }

    @Test
    void modelKeysSortByVersion() {
        assertEquals("fmnist@000000000042", Topics.modelKey("fmnist", 42));
        assertTrue(Topics.modelKey("m", 9).compareTo(Topics.modelKey("m", 10)) < 0);
    }

    @Test
    void invalidSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Topics.fromEnv(Map.of("MEANSTREAM_TOPIC_IMAGES_PARTITIONS", "0")));
    }
}
