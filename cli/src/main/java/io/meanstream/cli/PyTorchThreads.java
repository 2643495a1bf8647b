package io.meanstream.cli;

/** PyTorch thread counts, which DJL reads once when the engine starts: call before any DJL use. */
final class PyTorchThreads {

    private PyTorchThreads() {
    }

    static void configure(int intraOpThreads) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
}
