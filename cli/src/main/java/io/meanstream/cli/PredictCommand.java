package io.meanstream.cli;

import io.meanstream.image.DecodedImage;
import io.meanstream.image.ImageDecoder;
import io.meanstream.image.ImageDecodingException;
import io.meanstream.image.ImageEncoding;
import io.meanstream.image.ImageLimits;
import io.meanstream.image.ImageNormaliser;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxScorer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meanstream predict}: classify image files with an exported model, through the shared image library. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify PNG/JPEG files with an exported meanstream ONNX model and print the top classes.")
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The ONNX model (from train-offline --export or a release).")
    Path model;

    @Option(names = "--top", defaultValue = "3", description = "Classes to show per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or JPEG files.")
    List<Path> images;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int failures = 0;
        try (OnnxScorer scorer = OnnxScorer.load(Files.readAllBytes(model), 0)) {
            ModelProvenance p = scorer.provenance();
            out.printf(Locale.ROOT, "model %s v%d (%s, trainer step %d, input %s)%n", p.name(), p.version(), p.architecture(),
                    p.trainerStep(), p.input().describe());
            ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
            ImageNormaliser normaliser = new ImageNormaliser(p.input());
            for (Path file : images) {
                try {
                    DecodedImage image = decoder.decode(encodingOf(file), Files.readAllBytes(file), 0, 0, 0);
                    OnnxScorer.Scores scores = scorer.score(normaliser.toChw(image), 1);
                    List<String> best = new ArrayList<>();
                    IntStream.range(0, scorer.numClasses()).boxed()
                            .sorted(Comparator.comparingDouble(k -> -scores.probability(0, k)))
                            .limit(top)
                            .forEach(k -> best.add(String.format(Locale.ROOT, "%s %.3f", p.classNames().get(k), scores.probability(0, k))));
                    out.println(file + ": " + String.join(", ", best));
                } catch (ImageDecodingException e) {
                    failures++;
                    out.println(file + ": cannot decode (" + e.reason() + "): " + e.getMessage());
                }
            }
        }
        out.flush();
        return failures == 0 ? 0 : 2;
    }

    static ImageEncoding encodingOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return ImageEncoding.PNG;
        }
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return ImageEncoding.JPEG;
        }
        throw new IllegalArgumentException(file + ": only .png, .jpg and .jpeg files are supported");
    }
}
