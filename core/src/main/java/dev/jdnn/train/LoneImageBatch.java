package dev.jdnn.train;

import dev.jdnn.layers.BatchNorm;
import dev.jdnn.layers.Graph;
import java.util.Arrays;

/**
 * The one rule for a last training batch of one image: refused, before any epoch, where a batch-norm layer gets one
 * value per channel from an image (a dense one, or a 1 x 1 feature map), since batch statistics of one value are
 * undefined (PyTorch refuses them too). That batch used to fail mid-epoch, after the earlier epochs' work (issue 20).
 * Refused rather than dropped: dropping would silently leave an image out of every epoch.
 * <p>{@link Trainer#fit} checks it, so every run does; {@code SimpleCNN.fit} checks it before building its network
 * too, which leaves a fitted model as it was when its data is refused.
 */
public final class LoneImageBatch {
    private LoneImageBatch() {}

    /**
     * Throws IllegalArgumentException, naming {@code batchSize} and {@code trainCount}, if batches of
     * {@code batchSize} (clamped to the data, as {@link Trainer} does) over {@code trainCount} images of
     * {@code graph}'s input leave a last batch of 1 image and a batch norm of {@code graph} gets one value per channel
     * from an image.
     */
    public static void require(Graph graph, int batchSize, int trainCount) {
        int batch = Math.min(batchSize, trainCount);
        int last = trainCount % batch == 0 ? batch : trainCount % batch;
        if (last > 1 || !hasOneValuePerChannelBatchNorm(graph)) return;
        throw new IllegalArgumentException("batch_size = " + batchSize + " on " + trainCount
                + " training images leaves a last batch of 1 image, and batch norm needs more than 1 value per"
                + " channel to train: choose a batch_size that leaves 0 or at least 2 images over, or use"
                + " another number of images");
    }

    /** Whether a batch norm of {@code graph} gets an input of 1 value per channel: every dim after channels is 1. */
    private static boolean hasOneValuePerChannelBatchNorm(Graph graph) {
        for (int i = 0; i < graph.nodes().size(); i++) {
            if (graph.node(i).op() instanceof BatchNorm && Arrays.stream(graph.inputShapes(i).getFirst()).skip(1)
                    .allMatch(d -> d == 1)) {
                return true;
            }
        }
        return false;
    }
}
