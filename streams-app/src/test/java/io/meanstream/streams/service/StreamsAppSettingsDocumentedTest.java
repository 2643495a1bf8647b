package io.meanstream.streams.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every streams-app setting appears in README.md with its default. */
class StreamsAppSettingsDocumentedTest {

    @Test
    void readmeDocumentsEverySettingWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting<?> s : StreamsAppSettings.all()) {
            String row = "| `" + s.env() + "` | `" + s.defaultValue() + "` |";
            assertTrue(readme.contains(row), "README.md lacks the row starting " + row);
        }
    }
}
