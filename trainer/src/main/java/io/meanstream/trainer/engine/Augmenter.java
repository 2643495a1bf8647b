package io.meanstream.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The input noise of the method, batched on NDArrays (no per-pixel Java): a random translation of up to
 * {@code translatePixels} in each direction (the uncovered border is filled with the normalised value of
 * a black pixel, as if the image had been padded), an optional random horizontal flip, and additive
 * Gaussian noise. Each call draws new noise from the engine's seeded RNG, so the student and the teacher
 * see independently perturbed copies of the same batch.
 *
 * <p>Translation and flip are done as two batched matrix products with per-image 0/1 shift matrices:
 * out[b] = R[b] (x[b] - pad) C[b]^T + pad, where R moves rows and C moves (and possibly mirrors) columns.
 */
public final class Augmenter {

    private final int translate;
    private final boolean flip;
    private final float noiseStd;
    private final int cutout;
    private final float[] padValue;

    /** @param padValue per channel, the normalised value of a black pixel: (0 - mean[c]) / std[c] */
    public Augmenter(int translatePixels, boolean horizontalFlip, float inputNoiseStd, float[] padValue) {
        this(translatePixels, horizontalFlip, inputNoiseStd, 0, padValue);
    }

    /** With cutout: a random {@code cutoutPixels} x {@code cutoutPixels} square per image erased to black. */
    public Augmenter(int translatePixels, boolean horizontalFlip, float inputNoiseStd, int cutoutPixels, float[] padValue) {
        this.translate = translatePixels;
        this.flip = horizontalFlip;
        this.noiseStd = inputNoiseStd;
        this.cutout = cutoutPixels;
        this.padValue = padValue.clone();
    }

    /** A freshly perturbed copy of the batch x (N, C, H, W); x itself is not modified. */
    public NDArray apply(NDArray x) {
        NDManager manager = x.getManager();
        Shape shape = x.getShape();
        long n = shape.get(0);
        int h = (int) shape.get(2);
        int w = (int) shape.get(3);
        NDArray out = x;
        if (translate > 0 || flip) {
            NDArray pad = manager.create(padValue).reshape(1, padValue.length, 1, 1);
            NDArray dy = shifts(manager, n);
            NDArray dx = shifts(manager, n);
            // rows: output row i reads input row i - dy
            NDArray rows = manager.arange(h).toType(DataType.FLOAT32, false).reshape(1, h, 1);
            NDArray cols = manager.arange(h).toType(DataType.FLOAT32, false).reshape(1, 1, h);
            NDArray rowShift = rows.sub(dy.reshape(n, 1, 1)).eq(cols).toType(DataType.FLOAT32, false).reshape(n, 1, h, h);
            // columns: output column j reads input column j - dx, mirrored as (w - 1) - (j - dx) when flipped
            NDArray outCols = manager.arange(w).toType(DataType.FLOAT32, false).reshape(1, w, 1);
            NDArray source = outCols.sub(dx.reshape(n, 1, 1));
            if (flip) {
                NDArray flipped = manager.randomUniform(0f, 1f, new Shape(n, 1, 1)).lt(0.5f).toType(DataType.FLOAT32, false);
                NDArray mirrored = source.neg().add(w - 1);
                source = mirrored.mul(flipped).add(source.mul(flipped.neg().add(1)));
            }
            NDArray inCols = manager.arange(w).toType(DataType.FLOAT32, false).reshape(1, 1, w);
            NDArray colShiftT = source.eq(inCols).toType(DataType.FLOAT32, false).transpose(0, 2, 1).reshape(n, 1, w, w);
            out = rowShift.matMul(out.sub(pad)).matMul(colShiftT).add(pad);
        }
        if (cutout > 0) {
            // The square's top-left corner ranges over [-(cutout-1), size-1] so that every pixel is erased
            // equally often, squares at the border being clipped (as in DeVries & Taylor's cutout).
            NDArray pad = manager.create(padValue).reshape(1, padValue.length, 1, 1);
            NDArray top = manager.randomInteger(1 - cutout, h, new Shape(n, 1, 1, 1), DataType.INT64).toType(DataType.FLOAT32, false);
            NDArray left = manager.randomInteger(1 - cutout, w, new Shape(n, 1, 1, 1), DataType.INT64).toType(DataType.FLOAT32, false);
            NDArray rows = manager.arange(h).toType(DataType.FLOAT32, false).reshape(1, 1, h, 1);
            NDArray cols = manager.arange(w).toType(DataType.FLOAT32, false).reshape(1, 1, 1, w);
            NDArray inRows = rows.gte(top).logicalAnd(rows.lt(top.add(cutout))).toType(DataType.FLOAT32, false);
            NDArray inCols = cols.gte(left).logicalAnd(cols.lt(left.add(cutout))).toType(DataType.FLOAT32, false);
            NDArray erased = inRows.mul(inCols); // (n, 1, h, w): 1 inside the square
            out = out.mul(erased.neg().add(1)).add(erased.mul(pad));
        }
        if (noiseStd > 0) {
            out = out.add(manager.randomNormal(0f, noiseStd, shape, DataType.FLOAT32));
        }
        return out;
    }

    /** Integer shifts in [-translate, translate] as floats, one per image. */
    private NDArray shifts(NDManager manager, long n) {
        if (translate == 0) {
            return manager.zeros(new Shape(n));
        }
        return manager.randomInteger(-translate, translate + 1, new Shape(n), DataType.INT64).toType(DataType.FLOAT32, false);
    }
}
