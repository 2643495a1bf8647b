package io.meanstream.cli.demo;

import io.meanstream.config.Settings;
import io.meanstream.labeler.Accounts;
import io.meanstream.labeler.Labeler;
import io.meanstream.labeler.LabelerSettings;
import io.meanstream.labeler.PasswordHasher;
import java.security.SecureRandom;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's labeler: the real labeler service on the demo's broker, with one account whose password is made up for
 * this run (printed once, held only as its hash), so a person can label beside the simulated annotator.
 */
final class DemoLabeler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoLabeler.class);

    static final String USER = "demo";
    private static final String ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"; // nothing that reads as another character

    private final Labeler labeler;
    private final String password;

    private DemoLabeler(Labeler labeler, String password) {
        this.labeler = labeler;
        this.password = password;
    }

    static DemoLabeler start(LocalPipeline pipeline, int port) throws Exception {
        SecureRandom random = new SecureRandom();
        StringBuilder pw = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            pw.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        String password = pw.toString();
        Accounts accounts = new Accounts(Map.of(USER, PasswordHasher.hash(password.toCharArray())));
        try {
            return new DemoLabeler(start(pipeline, port, accounts), password);
        } catch (RuntimeException e) {
            if (port == 0) {
                throw e;
            }
            log.warn("the labeler cannot listen on port {} ({}); it takes a free port instead", port, e.getMessage());
            return new DemoLabeler(start(pipeline, 0, accounts), password);
        }
    }

    private static Labeler start(LocalPipeline pipeline, int port, Accounts accounts) throws Exception {
        Settings settings = Settings.resolve(LabelerSettings.all(), Map.of(LabelerSettings.HTTP_PORT.env(), Integer.toString(port),
                LabelerSettings.OPS_PORT.env(), "0"), null);
        Labeler labeler = new Labeler(settings, pipeline.kafka(), pipeline.topics(), accounts);
        try {
            return labeler.start();
        } catch (Exception | Error e) {
            labeler.close();
            throw e;
        }
    }

    String url() {
        return "http://127.0.0.1:" + labeler.port() + "/";
    }

    String password() {
        return password;
    }

    /** Labels given in the labeler today (what its page counts). */
    long labelsByPeople() {
        return labeler.labelsToday(USER);
    }

    @Override
    public void close() throws Exception {
        labeler.close();
    }
}
