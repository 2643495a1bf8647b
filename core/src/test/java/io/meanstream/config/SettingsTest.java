package io.meanstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    static final Setting<Integer> PORT = Setting.integer("MEANSTREAM_TRAINER_HTTP_PORT", 8081, "HTTP port");
    static final Setting<Duration> DELAY = Setting.duration("MEANSTREAM_TRAINER_MAX_LABEL_DELAY", "24h", "label delay bound");
    static final Setting<String> TOKEN = new Setting<>("MEANSTREAM_TOKEN", null, "a secret", s -> s, true);
    static final List<Setting<?>> ALL = List.of(PORT, DELAY, TOKEN);

    @Test
    void defaultsThenFileThenEnvironment(@TempDir Path dir) throws Exception {
        Settings defaults = Settings.resolve(ALL, Map.of(), null);
        assertEquals(8081, defaults.get(PORT));
        assertEquals(Duration.ofHours(24), defaults.get(DELAY));

        Path file = dir.resolve("trainer.properties");
        Files.writeString(file, "trainer.http.port=9000\nMEANSTREAM_TRAINER_MAX_LABEL_DELAY=90m\n");
        Settings fromFile = Settings.resolve(ALL, Map.of(), file);
        assertEquals(9000, fromFile.get(PORT));
        assertEquals(Duration.ofMinutes(90), fromFile.get(DELAY));

        Settings fromEnv = Settings.resolve(ALL, Map.of("MEANSTREAM_TRAINER_HTTP_PORT", "9100", "MEANSTREAM_TOKEN", "s3cret"), file);
        assertEquals(9100, fromEnv.get(PORT));
        String log = fromEnv.describe();
        assertTrue(log.contains("MEANSTREAM_TRAINER_HTTP_PORT=9100 (env)"), log);
        assertTrue(log.contains("MEANSTREAM_TRAINER_MAX_LABEL_DELAY=PT1H30M (file)"), log);
        assertFalse(log.contains("s3cret"), log);
    }

    @Test
    void badValuesFailAtStartNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.resolve(ALL, Map.of("MEANSTREAM_TRAINER_HTTP_PORT", "eighty", "MEANSTREAM_TRAINER_MAX_LABEL_DELAY", "soon"), null));
        assertTrue(e.getMessage().contains("MEANSTREAM_TRAINER_HTTP_PORT='eighty'"), e.getMessage());
        assertTrue(e.getMessage().contains("MEANSTREAM_TRAINER_MAX_LABEL_DELAY='soon'"), e.getMessage());
    }

    @Test
    void propertySpellingAndDocumentationTable() {
        assertEquals("trainer.http.port", PORT.property());
        String table = Settings.markdownTable(ALL);
        assertTrue(table.contains("| `MEANSTREAM_TRAINER_HTTP_PORT` | `8081` | HTTP port |"), table);
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
    }
}
