package dev.jdnn.layers;

/** The seed's ConvBlock2D: Convolution2D -> [BatchNorm2D] -> Activation -> [Pooling2D]. */
public final class ConvBlock2D extends Sequential {
    /** {@code batchNorm} and {@code pooling} may be null (left out). */
    public ConvBlock2D(Convolution2D convolution, BatchNorm2D batchNorm, Activation activation, Pooling2D pooling) {
        super("ConvBlock2D", present(convolution, batchNorm, activation, pooling));
    }
}
