package io.meanstream.streams;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import org.junit.jupiter.api.Test;

/** The pinned ONNX Runtime loads its native library and offers the CPU execution provider. */
class OnnxRuntimeTest {

    @Test
    void nativeLibraryLoadsWithTheCpuProvider() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        assertTrue(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CPU), OrtEnvironment.getAvailableProviders().toString());
        assertTrue(env.getVersion().startsWith("1.23"), env.getVersion());
    }
}
