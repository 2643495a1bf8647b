package io.meanstream.labeler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Password hashes and the accounts file. */
class PasswordHasherTest {

    @Test
    void aHashVerifiesItsPasswordOnlyAndIsSaltedEachTime() {
        String a = PasswordHasher.hash("s3cret".toCharArray(), 1_000);
        String b = PasswordHasher.hash("s3cret".toCharArray(), 1_000);
        assertTrue(a.startsWith("pbkdf2-sha256$1000$"), a);
        assertNotEquals(a, b, "a fresh salt per hash");
        assertTrue(PasswordHasher.verify("s3cret".toCharArray(), a));
        assertFalse(PasswordHasher.verify("s3cret ".toCharArray(), a));
        assertTrue(PasswordHasher.hash("x".toCharArray()).startsWith("pbkdf2-sha256$600000$"));
    }

    @Test
    void accountsComeFromAFileOfHashesAndRefusePlainPasswords(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.txt");
        Files.writeString(file, "# who may label\n\nada:" + PasswordHasher.hash("pw".toCharArray(), 1_000) + "\n");
        Accounts accounts = Accounts.load(file);
        assertEquals(1, accounts.size());
        assertEquals(Optional.of("ada"), accounts.authenticate("ada", "pw".toCharArray()));
        assertEquals(Optional.empty(), accounts.authenticate("ada", "PW".toCharArray()));
        assertEquals(Optional.empty(), accounts.authenticate("bob", "pw".toCharArray()));

        Files.writeString(file, "ada:hunter2\n");
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class, () -> Accounts.load(file));
        assertTrue(plain.getMessage().contains("never the password itself"), plain.getMessage());
        Files.writeString(file, "# nobody\n");
        assertThrows(IllegalArgumentException.class, () -> Accounts.load(file));
        assertThrows(IllegalArgumentException.class, () -> new Accounts(Map.of("a b", "x")), "a name with a space");
    }
}
