package io.meanstream.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/** Writes and reads a list of NDArrays (DJL's own encoding) for optimizer checkpoints. */
final class OptimizerState {

    private OptimizerState() {
    }

    static void save(DataOutputStream out, List<NDArray> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (NDArray array : arrays) {
            byte[] bytes = array.encode();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    static void load(DataInputStream in, NDManager manager, List<NDArray> into) throws IOException {
        int count = in.readInt();
        into.forEach(NDArray::close);
        into.clear();
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            NDArray array = NDArray.decode(manager, bytes);
            NDScope.unregister(array);
            into.add(array);
        }
    }
}
