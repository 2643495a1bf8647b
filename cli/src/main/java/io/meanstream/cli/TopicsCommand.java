package io.meanstream.cli;

import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.TopicSpec;
import io.meanstream.kafka.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meanstream topics}: each topic with partitions, cleanup policy and offsets. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "List the topics of a cluster: partitions, cleanup policy, start and end offsets, records.")
final class TopicsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--create", description = "First create the meanstream topics that are missing (idempotent).")
    boolean create;

    @Option(names = "--all", description = "Also list topics that are not meanstream's (internal ones are never listed).")
    boolean all;

    @Spec
    CommandSpec spec;

    /** One row of the listing; {@code records} = end - start summed over partitions (before compaction gaps). */
    record Row(String topic, String role, int partitions, String cleanupPolicy, long startOffsets, long endOffsets) {
        long records() {
            return endOffsets - startOffsets;
        }
    }

    @Override
    public Integer call() throws Exception {
        Topics topics = kafka.topics();
        try (Admin admin = Admin.create(kafka.clientConfig().admin("meanstream-topics"))) {
            if (create) {
                TopicBootstrapper.Report report = new TopicBootstrapper(admin).ensure(topics.all());
                spec.commandLine().getOut().println("created " + report.created() + (report.consistent() ? "" : ", mismatches " + report.mismatches()));
            }
            List<Row> rows = list(admin, topics, all);
            print(spec.commandLine().getOut(), rows);
            return 0;
        }
    }

    static List<Row> list(Admin admin, Topics topics, boolean all) throws Exception {
        Map<String, String> roles = topics.all().stream().collect(Collectors.toMap(TopicSpec::name, s -> s.role().slug()));
        Set<String> names = new TreeSet<>(admin.listTopics().names().get());
        if (!all) {
            names.retainAll(roles.keySet());
        }
        if (names.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
        List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        var configs = admin.describeConfigs(resources).all().get();
        Map<TopicPartition, OffsetSpec> partitions = descriptions.values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(partitions).all().get();
        Map<TopicPartition, OffsetSpec> earliest = partitions.keySet().stream()
                .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.earliest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all().get();
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            long end = ends.entrySet().stream().filter(e -> e.getKey().topic().equals(name)).mapToLong(e -> e.getValue().offset()).sum();
            long start = starts.entrySet().stream().filter(e -> e.getKey().topic().equals(name)).mapToLong(e -> e.getValue().offset()).sum();
            var policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).get("cleanup.policy");
            rows.add(new Row(name, roles.getOrDefault(name, "-"), descriptions.get(name).partitions().size(),
                    policy == null ? "?" : policy.value(), start, end));
        }
        return rows;
    }

    static void print(PrintWriter out, List<Row> rows) {
        if (rows.isEmpty()) {
            out.println("No meanstream topics yet (create them with: meanstream topics --create, or start meanstream kafka).");
            return;
        }
        int width = Math.max(5, rows.stream().mapToInt(r -> r.topic().length()).max().orElse(5));
        int roleWidth = Math.max(4, rows.stream().mapToInt(r -> r.role().length()).max().orElse(4));
        String format = "%-" + width + "s  %-" + roleWidth + "s  %10s  %-14s  %12s  %12s  %12s%n";
        out.printf(format, "TOPIC", "ROLE", "PARTITIONS", "CLEANUP", "START", "END", "RECORDS");
        for (Row r : rows) {
            out.printf(format, r.topic(), r.role(), r.partitions(), r.cleanupPolicy(), r.startOffsets(), r.endOffsets(), r.records());
        }
        out.flush();
    }
}
