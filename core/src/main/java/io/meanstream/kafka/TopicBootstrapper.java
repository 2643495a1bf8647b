package io.meanstream.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the registry's topics that do not exist yet and reports those that exist with other settings.
 * Idempotent: running it again creates nothing. It never alters an existing topic (changing partitions
 * or cleanup policy under running services is an operator's decision), it only says what differs.
 */
public final class TopicBootstrapper {

    private static final Logger log = LoggerFactory.getLogger(TopicBootstrapper.class);

    private final Admin admin;

    public TopicBootstrapper(Admin admin) {
        this.admin = admin;
    }

    /** What {@link #ensure} found and did. */
    public record Report(List<String> created, List<String> existing, List<String> mismatches) {
        public boolean consistent() {
            return mismatches.isEmpty();
        }
    }

    public Report ensure(Collection<TopicSpec<?, ?>> specs) {
        try {
            Set<String> present = admin.listTopics().names().get();
            List<String> created = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            List<NewTopic> toCreate = new ArrayList<>();
            for (TopicSpec<?, ?> spec : specs) {
                if (present.contains(spec.name())) {
                    existing.add(spec.name());
                } else {
                    toCreate.add(spec.newTopic());
                }
            }
            if (!toCreate.isEmpty()) {
                Map<String, org.apache.kafka.common.KafkaFuture<Void>> results = admin.createTopics(toCreate).values();
                for (var entry : results.entrySet()) {
                    try {
                        entry.getValue().get();
                        created.add(entry.getKey());
                        log.info("Created topic {}", entry.getKey());
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof TopicExistsException) {
                            existing.add(entry.getKey()); // another instance created it meanwhile
                        } else {
                            throw new IllegalStateException("Cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                        }
                    }
                }
            }
            if (!created.isEmpty()) {
                awaitLeaders(created);
            }
            List<String> mismatches = existing.isEmpty() ? List.of() : compare(specs, existing);
            mismatches.forEach(m -> log.warn("Topic mismatch: {}", m));
            return new Report(List.copyOf(created), List.copyOf(existing), mismatches);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list or describe topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Waits until every partition of the new topics answers on its leader. Producing into a partition
     * the broker has not finished creating gets NOT_LEADER_OR_FOLLOWER; an idempotent producer retrying
     * through that was seen to end in OUT_OF_ORDER_SEQUENCE and stall, so we do not hand topics out early.
     */
    private void awaitLeaders(List<String> topics) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get();
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                boolean leaders = true;
                for (TopicDescription d : descriptions.values()) {
                    for (var p : d.partitions()) {
                        leaders &= p.leader() != null && !p.leader().isEmpty();
                        partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                    }
                }
                if (leaders) {
                    admin.listOffsets(partitions).all().get(); // answered by each partition's leader
                    return;
                }
            } catch (ExecutionException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("New topics " + topics + " have no ready leaders after 60 s", last);
    }

    private List<String> compare(Collection<TopicSpec<?, ?>> specs, List<String> existing)
            throws InterruptedException, ExecutionException {
        Map<String, TopicDescription> descriptions = admin.describeTopics(existing).allTopicNames().get();
        List<ConfigResource> resources = existing.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        Map<String, TopicSpec<?, ?>> byName = new HashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        List<String> mismatches = new ArrayList<>();
        for (String name : existing) {
            TopicSpec<?, ?> spec = byName.get(name);
            int partitions = descriptions.get(name).partitions().size();
            if (partitions != spec.partitions()) {
                mismatches.add(name + ": partitions " + partitions + ", expected " + spec.partitions());
            }
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            for (var wanted : spec.configs().entrySet()) {
                ConfigEntry entry = actual.get(wanted.getKey());
                String value = entry == null ? null : entry.value();
                if (!wanted.getValue().equals(value)) {
                    mismatches.add(name + ": " + wanted.getKey() + "=" + value + ", expected " + wanted.getValue());
                }
            }
        }
        return List.copyOf(mismatches);
    }
}
