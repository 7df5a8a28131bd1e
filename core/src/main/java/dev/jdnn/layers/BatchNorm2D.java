package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
/**
 * Batch normalization of images (per-sample C x H x W): statistics per channel over the batch and the
 * spatial positions. See {@link BatchNorm} for the computation and the parameters.
 */
public record BatchNorm2D(long channels, double momentum, double epsilon) implements BatchNorm {
    public BatchNorm2D {
        BatchNormPlan.validate("channels", channels, momentum, epsilon);
    }

    /** With the default momentum (0.9) and epsilon (1e-5). */
    public BatchNorm2D(long channels) {
        this(channels, DEFAULT_MOMENTUM, DEFAULT_EPSILON);
    }

    /** The operation's type in model files. */
    static final String TYPE = "batchnorm2d";

    @Override
    public String type() {
        return TYPE;
    }

    /** The channels, momentum and epsilon. */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().put("channels", channels).put("momentum", momentum).put("epsilon", epsilon)
                .build();
    }

    /** The batch normalization that {@link #attributes} describe. */
    static BatchNorm2D fromJson(OpAttributes a) {
        return new BatchNorm2D(a.size("channels", 1), a.number("momentum"), a.number("epsilon"));
    }

    @Override
    public String name() {
        return "batchnorm2d(" + channels + ")";
    }

    @Override
    public void requireInput(long[] in) {
        Shapes.requireRank(name(), in, 3, "[" + channels + ", H, W]");
        Shapes.requireChannels(name(), in, channels);
    }
}
