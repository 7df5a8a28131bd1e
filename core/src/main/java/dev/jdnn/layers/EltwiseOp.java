package dev.jdnn.layers;

import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.PrimitiveAttr;

/**
 * One oneDNN element-wise operation, dst = algorithm(src; alpha, beta). Activations describe themselves
 * as a chain of these so a compiled network can fuse them into the primitive before them as post-ops.
 */
public record EltwiseOp(Algorithm algorithm, float alpha, float beta) {
    public EltwiseOp {
        if (algorithm == null) throw new IllegalArgumentException("an eltwise operation needs an algorithm, got null");
    }

    /** Appends this operation as a post-op of {@code attr}. */
    public void appendTo(PrimitiveAttr attr) {
        attr.eltwise(algorithm, alpha, beta);
    }
}
