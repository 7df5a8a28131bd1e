package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import java.util.ArrayList;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.PropKind;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;

/**
 * A fully connected layer, y = W x + b, on oneDNN's inner product. It accepts features (F) or, straight
 * after a conv stack, a C x H x W input read as C*H*W features without a copy.
 */
public record Dense(long inFeatures, long outFeatures) implements Layer {
    public Dense {
        Shapes.requirePositive("inFeatures", inFeatures);
        Shapes.requirePositive("outFeatures", outFeatures);
    }

    /** The operation's type in model files. */
    static final String TYPE = "dense";

    @Override
    public String type() {
        return TYPE;
    }

    /** The input and output features. */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().put("in_features", inFeatures).put("out_features", outFeatures).build();
    }

    /** The dense layer that {@link #attributes} describe. */
    static Dense fromJson(OpAttributes a) {
        return new Dense(a.size("in_features", 1), a.size("out_features", 1));
    }

    @Override
    public String name() {
        return "dense(" + inFeatures + "->" + outFeatures + ")";
    }

    @Override
    public long[] outputShape(long[] in) {
        long features = 1;
        for (long d : in) features *= d;
        if ((in.length != 1 && in.length != 3) || features != inFeatures) {
            throw new IllegalArgumentException(name() + " expects " + inFeatures + " input features, got shape "
                    + Arrays.toString(in) + (in.length == 3 ? " = " + features + " features" : ""));
        }
        return new long[] {outFeatures};
    }

    @Override
    public List<ParameterSpec> parameters(long[] inputShape) {
        return List.of(
                new ParameterSpec("weight", ParameterSpec.Kind.WEIGHT, new long[] {outFeatures, inFeatures}),
                new ParameterSpec("bias", ParameterSpec.Kind.BIAS, new long[] {outFeatures}));
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        outputShape(Shapes.perSample(input.dims()));
        Shapes.requireParameters(this, Shapes.perSample(input.dims()), parameters);
        long[] in = input.dims();
        // A 4-D input keeps its layout: the weights are seen as O x C x H x W over the same plain storage
        // (oihw and oi order the floats alike), so nothing is flattened.
        long[] weightDims = in.length == 4 ? new long[] {outFeatures, in[1], in[2], in[3]}
                : new long[] {outFeatures, inFeatures};
        FormatTag plainTag = in.length == 4 ? FormatTag.OIHW : FormatTag.OI;
        MemoryDesc dst = MemoryDesc.of(context.arena(), DataType.F32, FormatTag.NC, in[0], outFeatures);
        return new WeightedPlan(context, PRIMITIVES, input, weightDims, plainTag, dst, mode, parameters.get(0),
                parameters.get(1), needGradInput);
    }

    /** Inner product forward, backward weights and backward data. */
    private static final WeightedPlan.Primitives PRIMITIVES = new WeightedPlan.Primitives() {
        @Override
        public PrimitiveDesc forward(Arena arena, PropKind prop, MemoryDesc src, MemoryDesc weights, MemoryDesc bias,
                                     MemoryDesc dst) {
            return PrimitiveDescs.innerProductForward(arena, prop, src, weights, bias, dst, new PrimitiveAttr(arena));
        }

        @Override
        public PrimitiveDesc backwardWeights(Arena arena, MemoryDesc src, MemoryDesc diffWeights, MemoryDesc diffBias,
                                             MemoryDesc diffDst, PrimitiveDesc hint) {
            return PrimitiveDescs.innerProductBackwardWeights(arena, src, diffWeights, diffBias, diffDst, hint,
                    new PrimitiveAttr(arena));
        }

        @Override
        public PrimitiveDesc backwardData(Arena arena, MemoryDesc diffSrc, MemoryDesc weights, MemoryDesc diffDst,
                                          PrimitiveDesc hint) {
            return PrimitiveDescs.innerProductBackwardData(arena, diffSrc, weights, diffDst, hint,
                    new PrimitiveAttr(arena));
        }
    };

    @Override
    public void compile(InferenceRules rules) {
        rules.dense(outFeatures, inFeatures);
    }

    /**
     * Y = A B^T + C with B the weights as jdnn stores them, outputs x inputs. A dense layer reading C x H x W takes
     * its features in that (row-major) order, as Flatten gives them.
     */
    @Override
    public void exportOnnx(OnnxNodes nodes) {
        if (nodes.inputShape().length != 1) nodes.node("Flatten", List.of(nodes.current()), nodes.integer("axis", 1));
        List<String> inputs = new ArrayList<>(List.of(nodes.current()));
        inputs.addAll(nodes.affineInitializers());
        nodes.node("Gemm", inputs, nodes.integer("transB", 1));
    }
}
