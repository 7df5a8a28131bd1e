package dev.jdnn.bench;

import dev.jdnn.layers.Mode;
import dev.jdnn.layers.Network;

/**
 * Inference through a network's own inference plans (one per batch size, compiled on first use): the
 * unfused path, with batch norm and activations as separate primitives.
 */
public final class NetworkInferenceTarget implements InferenceTarget {
    private final Network network;
    private final int imageFloats;
    private final int width;

    public NetworkInferenceTarget(Network network) {
        this.network = network;
        this.imageFloats = Math.toIntExact(product(network.inputShape()));
        this.width = Math.toIntExact(product(network.outputShape()));
    }

    @Override
    public String path() {
        return "network";
    }

    @Override
    public void predict(float[] images, float[] logits) {
        int batch = images.length / imageFloats;
        if (batch == 0 || images.length % imageFloats != 0 || logits.length != (long) batch * width) {
            throw new IllegalArgumentException("predict takes whole images of " + imageFloats + " floats and "
                    + width + " logits per image; got " + images.length + " input and " + logits.length
                    + " output floats");
        }
        Network.Compiled plan = network.plan(batch, Mode.INFERENCE);
        plan.input().copyFrom(images);
        plan.plan().forward();
        network.synchronize();
        plan.plan().output().copyTo(logits);
    }

    private static long product(long[] dims) {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }
}
