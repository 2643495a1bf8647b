package io.meanstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.ContractSerdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The user-facing commands, run through picocli as a user would, against the real broker. */
class CommandLineTest {

    @Test
    void helpListsEverySubcommand() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Meanstream());
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--help"));
        for (String command : List.of("kafka", "topics", "feed", "watch")) {
            assertTrue(out.toString().contains(command), out.toString());
        }
    }

    @Test
    void serviceCommandsTakeAConfigFileAndABootstrap() {
        for (String command : List.of("trainer", "streams-app")) {
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(new Meanstream());
            cli.setOut(new PrintWriter(out));
            assertEquals(0, cli.execute(command, "--help"));
            String help = out.toString();
            assertTrue(help.contains("Usage: meanstream " + command + " [-hV] [-b=HOST:PORT] [--config=FILE]"), help);
            assertTrue(help.contains("--config=FILE   Properties file with " + command + " settings (environment"), help);
            assertTrue(help.contains("-b, --bootstrap=HOST:PORT"), help);
            assertTrue(help.contains("Stops cleanly"), help);
        }
    }

    @Test
    void topicsShowsPartitionsPolicyAndEndOffsets() throws Exception {
        String bootstrap = SharedTestBroker.bootstrapServers();
        Topics topics = Topics.defaults();
        try (Admin admin = Admin.create(KafkaClientConfig.ofBootstrap(bootstrap).admin("t"))) {
            new TopicBootstrapper(admin).ensure(topics.all());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientConfig.ofBootstrap(bootstrap).producer("t"),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(topics.predictions().name(), "img-" + i,
                            ContractSerdes.prediction().encode(prediction("fmnist-test-0000" + i, i)))).get();
                }
            }
            List<TopicsCommand.Row> rows = TopicsCommand.list(admin, topics, false);
            TopicsCommand.Row predictions = rows.stream().filter(r -> r.topic().equals("meanstream.predictions")).findFirst().orElseThrow();
            assertEquals(6, predictions.partitions());
            assertEquals("delete", predictions.cleanupPolicy());
            assertEquals(3, predictions.endOffsets());
            assertEquals("compact", rows.stream().filter(r -> r.role().equals("labels")).findFirst().orElseThrow().cleanupPolicy());
        }

        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Meanstream());
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("topics", "--bootstrap", bootstrap));
        assertTrue(out.toString().contains("meanstream.predictions"), out.toString());

        // watch: reads the three predictions and judges them against the real test-set labels.
        StringWriter watched = new StringWriter();
        CommandLine watch = new CommandLine(new Meanstream());
        watch.setOut(new PrintWriter(watched));
        assertEquals(0, watch.execute("watch", "--bootstrap", bootstrap, "--from-beginning", "--limit", "3",
                "--truth", "fashion-mnist", "--no-download"));
        String text = watched.toString();
        assertTrue(text.contains("predictions: 3"), text);
        // Test images 0, 1, 2 are Ankle boot (9), Pullover (2), Trouser (1); we predicted 0, 1, 2: only #1? no: 1 != 2, 2 != 1.
        assertTrue(text.contains("accuracy 0.0000 on 3"), text);
    }

    @Test
    void badArgumentsGiveAClearErrorAndNonZeroExit() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Meanstream());
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute("feed", "--dataset", "fashion-mnist", "--labels-per-class", "3", "--label-fraction", "0.1");
        assertTrue(rc != 0);
    }

    static Prediction prediction(String imageId, int classIndex) {
        return Prediction.newBuilder().setImageId(imageId).setModelName("m").setModelVersion(1).setClassIndex(classIndex)
                .setClassName("c" + classIndex).setConfidence(0.5f).setProbabilities(List.of(0.5f, 0.5f))
                .setImageTime(Instant.EPOCH).setScoredTime(Instant.now()).build();
    }
}
