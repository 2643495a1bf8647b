package io.meanstream.trainer.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The complete state of an engine as bytes: step, student and teacher parameters (BatchNorm running
 * statistics included) and optimizer state, with a CRC-32 over everything so a torn or corrupted file is
 * detected and refused instead of silently resuming from garbage. Parameters are copied in place on restore,
 * so the engine's parameter objects, gradient flags and frozen teacher stay as they were.
 *
 * <p>PyTorch's RNG state is not reachable through DJL; on restore the RNG is reseeded with (seed, step), so
 * a resumed run is deterministic, though not bit-identical to one that never stopped.
 */
public final class EngineCheckpoint {

    private static final int MAGIC = 0x4D534B31; // "MSK1"
    private static final int FORMAT = 1;

    private EngineCheckpoint() {
    }

    /** Serialises the engine; {@code extra} is opaque caller state (buffer positions, offsets) kept alongside. */
    public static byte[] write(MeanTeacherEngine engine, byte[] extra) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(signature(engine));
            out.writeLong(engine.steps());
            writeParameters(out, engine.student().getParameters());
            writeParameters(out, engine.teacher().getParameters());
            engine.optimizer().saveState(out);
            out.writeInt(extra.length);
            out.write(extra);
        }
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        return ByteBuffer.allocate(body.length + 8).put(body).putLong(crc.getValue()).array();
    }

    /**
     * Restores a checkpoint into an engine built with the same network and config; returns the caller's
     * extra state. Throws {@link IOException} with the reason for a corrupted, truncated or mismatched file.
     */
    public static byte[] restore(MeanTeacherEngine engine, byte[] checkpoint) throws IOException {
        if (checkpoint.length < 16) {
            throw new IOException("checkpoint truncated: " + checkpoint.length + " bytes");
        }
        byte[] body = Arrays.copyOf(checkpoint, checkpoint.length - 8);
        long stored = ByteBuffer.wrap(checkpoint, checkpoint.length - 8, 8).getLong();
        CRC32 crc = new CRC32();
        crc.update(body);
        if (crc.getValue() != stored) {
            throw new IOException("checkpoint corrupted or half-written: CRC mismatch");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a meanstream checkpoint");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("unsupported checkpoint format " + format);
            }
            String signature = in.readUTF();
            if (!signature.equals(signature(engine))) {
                throw new IOException("checkpoint is for " + signature + ", this engine is " + signature(engine));
            }
            long step = in.readLong();
            NDManager manager = engine.studentModel().getNDManager();
            readParameters(in, engine.student().getParameters(), manager);
            readParameters(in, engine.teacher().getParameters(), manager);
            engine.optimizer().loadState(in);
            byte[] extra = new byte[in.readInt()];
            in.readFully(extra);
            engine.setSteps(step);
            Engine.getInstance().setRandomSeed((int) (engine.config().seed() * 1_000_003L + step));
            return extra;
        }
    }

    /** What must match between a checkpoint and the engine restoring it. */
    private static String signature(MeanTeacherEngine engine) {
        return engine.spec().architecture() + " input=" + Arrays.toString(engine.spec().inputShape()) + " classes="
                + engine.spec().numClasses() + " twoHeads=" + engine.spec().twoHeads() + " optimizer=" + engine.config().optimizer();
    }

    private static void writeParameters(DataOutputStream out, PairList<String, Parameter> params) throws IOException {
        out.writeInt(params.size());
        for (int i = 0; i < params.size(); i++) {
            NDArray array = params.valueAt(i).getArray();
            out.writeUTF(params.keyAt(i));
            long[] shape = array.getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            float[] values = array.toFloatArray();
            ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            out.writeInt(values.length);
            out.write(raw.array());
        }
    }

    private static void readParameters(DataInputStream in, PairList<String, Parameter> params, NDManager manager) throws IOException {
        int count = in.readInt();
        if (count != params.size()) {
            throw new IOException("checkpoint has " + count + " parameters, the network " + params.size());
        }
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            if (!name.equals(params.keyAt(i))) {
                throw new IOException("parameter " + i + " is " + name + " in the checkpoint, " + params.keyAt(i) + " in the network");
            }
            long[] shape = new long[in.readInt()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
            }
            NDArray target = params.valueAt(i).getArray();
            if (!new Shape(shape).equals(target.getShape())) {
                throw new IOException("parameter " + name + " has shape " + new Shape(shape) + ", the network " + target.getShape());
            }
            byte[] raw = new byte[in.readInt() * 4];
            in.readFully(raw);
            float[] values = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            try (NDArray source = manager.create(values, target.getShape())) {
                source.copyTo(target);
            }
        }
    }
}
