package dev.jdnn.layers;

/** The seed's DenseBlock: Dense -> [BatchNorm1D] -> Activation -> [Dropout]. */
public final class DenseBlock extends Sequential {
    /** {@code batchNorm} and {@code dropout} may be null (left out). */
    public DenseBlock(Dense dense, BatchNorm1D batchNorm, Activation activation, Dropout dropout) {
        super("DenseBlock", present(dense, batchNorm, activation, dropout));
    }
}
