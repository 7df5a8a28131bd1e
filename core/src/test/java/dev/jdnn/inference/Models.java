package dev.jdnn.inference;

import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.Parameter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;

/** Small SimpleCNNs fitted briefly on the embedded Fashion-MNIST subset, for the inference tests. */
final class Models {
    static final Datasets.TrainTest DATA = Datasets.embeddedDefault();

    private Models() {}

    /** conv 1->4, conv 4->8 (with 2x2 pools: 8 x 7 x 7 = 392 features), dense -> 16, dense -> 10. */
    static SimpleCNNBuilder small(ActivationFunction activation, boolean batchNorm, boolean pooling) {
        int features = pooling ? 8 * 7 * 7 : 8 * 28 * 28;
        return SimpleCNN.builder().inChannels(List.of(1, 4)).outChannels(8).inFeatures(List.of(features, 16))
                .outFeatures(10).activation(activation).batchNorm(batchNorm).pooling(pooling)
                .initializer("kaiming-normal").epochs(1).batchSize(50).seed(7).threads(1).progress(false);
    }

    /** The builder's model fitted for one epoch on 200 training images. */
    static SimpleCNN fitted(SimpleCNNBuilder builder) {
        SimpleCNN model = builder.build();
        model.fit(DATA.train().head(200));
        return model;
    }

    /**
     * Gives every batch norm of the model random statistics far from the identity (variances down to
     * 1e-3, so that epsilon matters), so that a wrong fold cannot hide behind near-1 scales.
     */
    static void randomizeBatchNorm(SimpleCNN model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : model.network().parameters().parameters()) {
            double[] range = switch (p.spec().kind()) {
                case SCALE -> new double[] {0.5, 1.5};
                case SHIFT, RUNNING_MEAN -> new double[] {-0.5, 0.5};
                case RUNNING_VARIANCE -> new double[] {1e-3, 2};
                default -> null;
            };
            if (range == null) continue;
            MemorySegment v = p.value();
            for (long i = 0, n = p.spec().elementCount(); i < n; i++) {
                v.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble(range[0], range[1]));
            }
        }
    }

    /** The first {@code n} test images. */
    static Dataset testImages(int n) {
        return DATA.test().head(n);
    }
}
