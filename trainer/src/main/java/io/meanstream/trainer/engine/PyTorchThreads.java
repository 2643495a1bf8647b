package io.meanstream.trainer.engine;

/** PyTorch thread counts, which DJL reads once when the engine starts: call before any DJL use. */
public final class PyTorchThreads {

    private PyTorchThreads() {
    }

    public static void configure(int intraOpThreads) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
}
