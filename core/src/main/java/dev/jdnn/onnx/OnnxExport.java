package dev.jdnn.onnx;

import dev.jdnn.SimpleCNN;
import dev.jdnn.io.AtomicFile;
import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.layers.Network;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a fitted {@link SimpleCNN} as an ONNX model (IR version {@value #IR_VERSION}, opset {@value #OPSET}) that
 * ONNX Runtime and other ONNX readers run for inference: Conv, BatchNormalization (or folded into the layer before
 * it, see {@link BatchNormMode}), the activations (Relu, Sigmoid, Tanh, LeakyRelu, Elu, Selu, Softplus, Softmax,
 * Clip for relu6, HardSigmoid; silu, hard-swish and both gelus as the few operators of their formulas), MaxPool /
 * AveragePool, Flatten and Gemm; dropout is left out (the identity at inference).
 * <p>The graph takes {@value #INPUT}, float N x C x H x W with a dynamic batch dimension N (pixels as the model
 * was trained on them, e.g. value / 255), and gives {@value #OUTPUT}, float N x out_features: the same raw outputs
 * as {@link SimpleCNN#predictRaw}. The class names go into the model's metadata as {@value #CLASS_NAMES_KEY}, a
 * JSON array. Protobuf is written by hand ({@code ProtoWriter}): jdnn depends on no protobuf library.
 */
public final class OnnxExport {
    /** The ONNX operator set the graph imports. */
    public static final int OPSET = 13;
    /** The ONNX IR version of opset 13 (ONNX 1.8). */
    public static final int IR_VERSION = 7;
    /** The name of the graph's input. */
    public static final String INPUT = "images";
    /** The name of the graph's output. */
    public static final String OUTPUT = "logits";
    /** The metadata key of the class names. */
    public static final String CLASS_NAMES_KEY = "class_names";

    /** How batch normalization is written. */
    public enum BatchNormMode {
        /**
         * Folded into the weights and bias of the convolution or dense layer right before it, as jdnn's compiled
         * model does: the same function in fewer nodes (a batch norm anywhere else is written as a node).
         */
        FOLDED,
        /** As BatchNormalization nodes holding scale, shift and the running statistics: the model as trained. */
        NODES
    }

    /**
     * What {@link #write} wrote.
     *
     * @param operators the op types of the graph's nodes, in order
     */
    public record Exported(Path file, long bytes, BatchNormMode batchNorm, List<String> operators) {}

    private OnnxExport() {}

    /** Writes {@code model} with batch norm {@linkplain BatchNormMode#FOLDED folded}; see {@link #write(SimpleCNN, Path, BatchNormMode)}. */
    public static Exported write(SimpleCNN model, Path file) throws IOException {
        return write(model, file, BatchNormMode.FOLDED);
    }

    /**
     * Writes {@code model} to {@code file} as an ONNX model, atomically: a reader sees the previous file or the
     * whole new one.
     *
     * @throws IllegalStateException if the model is not fitted (or loaded), or is closed
     * @throws OnnxExportException if a layer or activation has no ONNX operator in opset {@value #OPSET} (softplus
     *     or swish with a beta other than 1), naming it
     * @throws IOException if the file cannot be written; a previous file there is then unchanged
     */
    public static Exported write(SimpleCNN model, Path file, BatchNormMode batchNorm) throws IOException {
        Objects.requireNonNull(file, "file");
        Built built = build(model, batchNorm);
        AtomicFile.write(file, channel -> {
            ByteBuffer bytes = ByteBuffer.wrap(built.bytes());
            while (bytes.hasRemaining()) channel.write(bytes);
        });
        return new Exported(file, built.bytes().length, batchNorm, built.operators());
    }

    /**
     * The ONNX model of {@code model} as bytes (what {@link #write} puts in the file).
     *
     * @throws IllegalStateException if the model is not fitted (or loaded), or is closed
     * @throws OnnxExportException if a layer or activation has no ONNX operator in opset {@value #OPSET}
     */
    public static byte[] toBytes(SimpleCNN model, BatchNormMode batchNorm) {
        return build(model, batchNorm).bytes();
    }

    record Built(byte[] bytes, List<String> operators) {}

    private static Built build(SimpleCNN model, BatchNormMode batchNorm) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(batchNorm, "batchNorm");
        Network network = model.network();
        if (network == null) throw new IllegalStateException("this SimpleCNN is not fitted: call fit (or load) before"
                + " exporting it");
        return build(network, model.classNames(), batchNorm);
    }

    /** {@code network} as an ONNX model; {@code classNames} (may be null) go into the metadata. */
    static Built build(Network network, List<String> classNames, BatchNormMode batchNorm) {
        OnnxGraph graph = OnnxGraph.of(network, batchNorm);
        long[] in = network.inputShape();
        long[] out = network.outputShape();
        List<OnnxMessages.Dim> inputDims = List.of(OnnxMessages.Dim.named("N"), OnnxMessages.Dim.of(in[0]),
                OnnxMessages.Dim.of(in[1]), OnnxMessages.Dim.of(in[2]));
        List<OnnxMessages.Dim> outputDims = List.of(OnnxMessages.Dim.named("N"), OnnxMessages.Dim.of(out[0]));
        String doc = "SimpleCNN exported by jdnn; batch norm " + (batchNorm == BatchNormMode.FOLDED
                ? "folded into the layer before it" : "as BatchNormalization nodes") + "; dropout left out";
        ProtoWriter graphMessage = OnnxMessages.graph("SimpleCNN", doc, graph.nodes(), graph.initializers(),
                List.of(OnnxMessages.floatValueInfo(INPUT, inputDims)),
                List.of(OnnxMessages.floatValueInfo(OUTPUT, outputDims)));
        Map<String, String> metadata = new LinkedHashMap<>();
        if (classNames != null) metadata.put(CLASS_NAMES_KEY, JsonArray.ofStrings(classNames).toString());
        String version = OnnxExport.class.getPackage().getImplementationVersion();
        byte[] bytes = OnnxMessages.model(IR_VERSION, OPSET, "jdnn", version == null ? "development build" : version,
                doc, metadata, graphMessage).toByteArray();
        return new Built(bytes, graph.operators());
    }
}
