package io.meanstream.streams.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.meanstream.image.ImageDecodingException;
import io.meanstream.image.ImageEncoding;
import io.meanstream.image.ImageLimits;
import io.meanstream.image.ImagePipeline;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxModelException;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.ops.OpsServer;
import io.meanstream.streams.model.ModelHolder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /predict} with a PNG or JPEG body: the served model's answer for one image, as JSON, through
 * exactly the decoding and normalisation the stream uses. For debugging, not for throughput.
 */
final class PredictHandler implements HttpHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ModelHolder holder;
    private final ImageLimits limits = ImageLimits.defaults();

    PredictHandler(ModelHolder holder) {
        this.holder = holder;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            OpsServer.respond(exchange, 405, "text/plain", "POST a PNG or JPEG image\n");
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(limits.maxBytes() + 1);
        }
        if (body.length > limits.maxBytes()) {
            OpsServer.respond(exchange, 413, "text/plain", "image larger than " + limits.maxBytes() + " bytes\n");
            return;
        }
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
        ImageEncoding encoding = type.contains("jpeg") || type.contains("jpg") ? ImageEncoding.JPEG : ImageEncoding.PNG;
        try (ModelHolder.Lease lease = holder.acquire()) {
            if (lease == null) {
                OpsServer.respond(exchange, 503, "text/plain", "no model loaded yet\n");
                return;
            }
            OnnxScorer scorer = lease.scorer();
            ModelProvenance model = scorer.provenance();
            float[] chw = new ImagePipeline(limits, model.input()).decodeToChw(encoding, body, 0, 0, 0);
            OnnxScorer.Scores scores = scorer.score(chw, 1);
            int best = scores.argMax(0);
            List<Float> probabilities = new ArrayList<>();
            for (int k = 0; k < scores.numClasses(); k++) {
                probabilities.add(scores.probability(0, k));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("modelName", model.name());
            out.put("modelVersion", model.version());
            out.put("classIndex", best);
            out.put("className", model.classNames().get(best));
            out.put("confidence", scores.probability(0, best));
            out.put("probabilities", probabilities);
            OpsServer.respond(exchange, 200, "application/json", JSON.writeValueAsString(out) + "\n");
        } catch (ImageDecodingException e) {
            OpsServer.respond(exchange, 400, "text/plain", e.reason() + ": " + e.getMessage() + "\n");
        } catch (OnnxModelException e) {
            OpsServer.respond(exchange, 500, "text/plain", e.getMessage() + "\n");
        }
    }
}
