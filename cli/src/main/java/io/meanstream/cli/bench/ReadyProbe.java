package io.meanstream.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a service's {@code /ready} to answer 200 (for the streams-app: Kafka Streams RUNNING and a model
 * served), polling every {@code interval}, failing fast when the process dies and with the last answer when
 * the timeout passes.
 */
final class ReadyProbe {

    private ReadyProbe() {
    }

    static void await(int port, BooleanSupplier alive, Duration timeout, Duration interval, String what) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/ready");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(what + " exited before it was ready (last answer of " + uri + ": " + last + ")");
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode() + " " + response.body().strip();
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " was not ready within " + timeout + " (last answer of " + uri + ": " + last + ")");
            }
            Thread.sleep(interval.toMillis());
        }
    }
}
