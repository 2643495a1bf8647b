package io.meanstream.cli;

import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where Fashion-MNIST comes from: --data-dir, the Debian package, the user cache, or a download. */
public final class DatasetOptions {

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory with the Fashion-MNIST IDX files (gzipped or not). Default: "
                    + "/usr/share/datasets/fashion-mnist (Debian: apt-get install dataset-fashion-mnist), then the user cache.")
    Path dataDir;

    @Option(names = "--no-download", description = "Never download the data set; fail with instructions instead.")
    boolean noDownload;

    public DatasetLocator locator() {
        return DatasetLocator.fashionMnist().dataDir(dataDir).allowDownload(!noDownload).progress(System.err).build();
    }

    public LabeledImages load(FashionMnist.Split split) throws IOException {
        return FashionMnist.load(split, locator());
    }
}
