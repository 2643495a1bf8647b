package io.meanstream.trainer.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every trainer setting appears in README.md with its default: the documentation cannot drift. */
class TrainerSettingsDocumentedTest {

    @Test
    void readmeDocumentsEverySettingWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting<?> s : TrainerSettings.all()) {
            String row = "| `" + s.env() + "` | `" + s.defaultValue() + "` |";
            assertTrue(readme.contains(row), "README.md lacks the row starting " + row);
        }
    }
}
