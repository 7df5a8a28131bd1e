package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import java.util.Arrays;

/**
 * Batch normalization of feature vectors (per-sample F): statistics per feature over the batch. See
 * {@link BatchNorm} for the computation and the parameters.
 */
public record BatchNorm1D(long features, double momentum, double epsilon) implements BatchNorm {
    public BatchNorm1D {
        BatchNormPlan.validate("features", features, momentum, epsilon);
    }

    /** With the default momentum (0.9) and epsilon (1e-5). */
    public BatchNorm1D(long features) {
        this(features, DEFAULT_MOMENTUM, DEFAULT_EPSILON);
    }

    @Override
    public long channels() {
        return features;
    }

    /** The operation's type in model files. */
    static final String TYPE = "batchnorm1d";

    @Override
    public String type() {
        return TYPE;
    }

    /** The features, momentum and epsilon. */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().put("features", features).put("momentum", momentum).put("epsilon", epsilon)
                .build();
    }

    /** The batch normalization that {@link #attributes} describe. */
    static BatchNorm1D fromJson(OpAttributes a) {
        return new BatchNorm1D(a.size("features", 1), a.number("momentum"), a.number("epsilon"));
    }

    @Override
    public String name() {
        return "batchnorm1d(" + features + ")";
    }

    @Override
    public void requireInput(long[] in) {
        if (in.length != 1 || in[0] != features) {
            throw new IllegalArgumentException(name() + " expects " + features + " input features, got shape "
                    + Arrays.toString(in));
        }
    }
}
