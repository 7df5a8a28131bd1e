package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * The loop shared by {@link Adam} and {@link AdamW}: AdamW is Adam after shrinking the parameters by
 * {@code 1 - lr * weightDecay}, so one loop serves both, with a factor of 1 for Adam.
 */
final class AdamStep extends FlatUpdater {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final float b1;
    private final float b2;
    private final float oneMinusB1;
    private final float oneMinusB2;
    private final float eps;
    private final float shrink;
    private float stepSize;
    private float bc2Sqrt;

    AdamStep(String owner, long parameterCount, Arena arena,
             double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(owner, parameterCount, arena, 2);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.b1 = (float) beta1;
        this.b2 = (float) beta2;
        this.oneMinusB1 = (float) (1 - beta1);
        this.oneMinusB2 = (float) (1 - beta2);
        this.eps = (float) eps;
        this.shrink = (float) (1 - lr * weightDecay);
    }

    @Override
    void prepare(long t) {
        // The scalar factors in double, as PyTorch computes them in Python floats.
        stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
    }

    @Override
    void update(int length) {
        float[] p = paramChunk;
        float[] g = gradChunk;
        float[] m = stateChunk[0];
        float[] v = stateChunk[1];
        for (int i = 0; i < length; i++) {
            float gi = g[i];
            float mi = m[i] * b1 + oneMinusB1 * gi;
            float vi = v[i] * b2 + oneMinusB2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[i] = p[i] * shrink - stepSize * (mi / denom);
        }
    }
}
