package io.meanstream.labeler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The annotators who may sign in: name to password hash ({@link PasswordHasher}). Read from a file of
 * {@code name:hash} lines ({@code #} starts a comment), e.g. a Kubernetes Secret mounted as a file.
 */
public final class Accounts {

    /** Names are what the labels record as their annotator: short and plain. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    /** Verified instead of a missing account's hash, so an unknown name takes as long as a wrong password. */
    private static final String DECOY = PasswordHasher.hash("decoy".toCharArray());

    private final Map<String, String> hashes;

    public Accounts(Map<String, String> hashes) {
        hashes.keySet().forEach(Accounts::requireName);
        this.hashes = Map.copyOf(hashes);
    }

    public static Accounts load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the labeler's accounts file " + file
                    + " (MEANSTREAM_LABELER_ACCOUNTS_FILE; lines of name:hash, see meanstream labeler --hash-password)", e);
        }
        Map<String, String> hashes = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected name:hash");
            }
            String hash = line.substring(colon + 1);
            if (!hash.startsWith(PasswordHasher.SCHEME + "$")) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": the password must be a " + PasswordHasher.SCHEME
                        + " hash (meanstream labeler --hash-password), never the password itself");
            }
            hashes.put(line.substring(0, colon), hash);
        }
        if (hashes.isEmpty()) {
            throw new IllegalArgumentException(file + " has no accounts: nobody could sign in");
        }
        return new Accounts(hashes);
    }

    /** The account's name when {@code password} is right; empty otherwise (unknown name or wrong password alike). */
    public Optional<String> authenticate(String name, char[] password) {
        String hash = name == null ? null : hashes.get(name);
        boolean ok = PasswordHasher.verify(password, hash != null ? hash : DECOY);
        return ok && hash != null ? Optional.of(name) : Optional.empty();
    }

    public int size() {
        return hashes.size();
    }

    public static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an annotator name is 1-64 of A-Z a-z 0-9 . _ @ -, got '" + name + "'");
        }
    }
}
