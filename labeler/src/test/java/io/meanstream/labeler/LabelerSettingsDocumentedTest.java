package io.meanstream.labeler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every labeler setting appears in README.md with its default. */
class LabelerSettingsDocumentedTest {

    @Test
    void readmeDocumentsEverySettingWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> missing = Settings.undocumented(LabelerSettings.all(), readme);
        assertTrue(missing.isEmpty(), "README.md lacks the rows starting " + missing);
    }
}
