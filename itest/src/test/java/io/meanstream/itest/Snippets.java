package io.meanstream.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Code blocks of the README that tests run as written: the fenced block after a {@code <!-- snippet: NAME -->} line. */
final class Snippets {

    private Snippets() {
    }

    static String of(Path readme, String name, String language) throws IOException {
        String text = Files.readString(readme);
        String marker = "<!-- snippet: " + name + " -->";
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new AssertionError(readme + " has no " + marker);
        }
        String fence = "```" + language + "\n";
        int start = text.indexOf(fence, at);
        int end = text.indexOf("\n```", start + fence.length());
        if (start < 0 || end < 0 || !text.substring(at + marker.length(), start).isBlank()) {
            throw new AssertionError(marker + " is not followed by a ```" + language + " block");
        }
        return text.substring(start + fence.length(), end + 1);
    }
}
