package io.meanstream.data;

import java.util.Arrays;

/**
 * The contents of an unsigned-byte IDX file: its dimensions (outermost first) and the row-major data.
 * The data array is not copied (it can be tens of megabytes); treat it as read-only.
 *
 * @param dims dimensions, e.g. {@code [60000, 28, 28]} for images or {@code [60000]} for labels
 * @param data {@code product(dims)} unsigned bytes
 */
public record IdxArray(int[] dims, byte[] data) {

    public IdxArray {
        dims = dims.clone();
        long product = 1;
        for (int dim : dims) {
            if (dim < 0) {
                throw new IllegalArgumentException("dimensions must be >= 0, got " + Arrays.toString(dims));
            }
            product *= dim;
        }
        if (product != data.length) {
            throw new IllegalArgumentException("dimensions " + Arrays.toString(dims) + " need " + product
                    + " bytes, got " + data.length);
        }
    }

    /** A copy of the dimensions. */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code i}. */
    public int dim(int i) {
        return dims[i];
    }

    @Override
    public String toString() {
        return "IdxArray" + Arrays.toString(dims);
    }
}
