package io.meanstream.cli;

import io.meanstream.labeler.Accounts;
import io.meanstream.labeler.LabelerMain;
import io.meanstream.labeler.PasswordHasher;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meanstream labeler}: the labeling web app, as its container image runs it; or a line for its accounts file. */
@Command(name = "labeler", mixinStandardHelpOptions = true,
        description = {"Run the labeler: a web page where signed-in annotators answer the streams-app's label requests (or label",
                "recent images); each answer is a Label on the labels topic. Configured by MEANSTREAM_* environment variables",
                "or --config FILE (accounts: MEANSTREAM_LABELER_ACCOUNTS_FILE). Stops cleanly on SIGTERM.",
                "With --hash-password NAME: reads a password (from the terminal, or one line of standard input) and prints",
                "the accounts-file line NAME:pbkdf2-sha256$..., then exits."})
final class LabelerCommand extends ServiceCommand {

    @Option(names = "--hash-password", paramLabel = "NAME", description = "Print an accounts-file line for NAME and exit.")
    String hashFor;

    LabelerCommand() {
        super(new LabelerMain());
    }

    @Override
    public Integer call() throws Exception {
        if (hashFor == null) {
            return super.call();
        }
        Accounts.requireName(hashFor);
        char[] password;
        Console console = System.console();
        if (console != null) {
            password = console.readPassword("password for %s: ", hashFor);
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password == null || password.length == 0) {
            System.err.println("meanstream labeler: an empty password is not allowed");
            return 2;
        }
        System.out.println(hashFor + ":" + PasswordHasher.hash(password));
        return 0;
    }
}
