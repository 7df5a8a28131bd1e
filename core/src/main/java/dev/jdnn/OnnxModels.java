package dev.jdnn;

import dev.jdnn.data.Dataset;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.Parameter;
import dev.jdnn.onnx.OnnxImport;
import dev.jdnn.onnx.OnnxImportException;
import dev.jdnn.onnx.OnnxModel;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * An ONNX file as a fitted {@link SimpleCNN}: its graph imported ({@link OnnxImport}) and trained no further, with
 * numbered classes and the default preprocessing (ONNX files do not say how their images were prepared), ready to
 * predict, compile, evaluate, save as a jdnn model or train on ({@link SimpleCNN#fit} starts from fresh weights;
 * {@link SimpleCNN#resume}-style fine-tuning from the imported weights is a later step).
 */
final class OnnxModels {
    private OnnxModels() {}

    /**
     * @throws OnnxImportException if the model uses what jdnn does not import, or does not end in N x classes
     * @throws IOException if the file cannot be read or is not a valid ONNX model
     *     ({@link dev.jdnn.onnx.OnnxFormatException})
     */
    static SimpleCNN load(Path file) throws IOException {
        OnnxImport.Imported imported = OnnxImport.of(OnnxModel.read(file), file.toString());
        Graph graph = imported.graph();
        if (graph.outputShape().length != 1) {
            throw new OnnxImportException(file + ": the model gives " + Arrays.toString(graph.outputShape())
                    + " per image; jdnn serves models that give a vector of class scores (N x classes)");
        }
        SimpleCNN model = SimpleCNN.builder().graph(graph).build();
        try {
            model.rebuild(graph.inputShape());
            for (Parameter p : model.network().parameters().parameters()) copy(imported.parameters(), p, file);
            model.restore(Dataset.numberedClasses(Math.toIntExact(graph.outputShape()[0])), null, null);
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void copy(Map<String, float[]> values, Parameter p, Path file) throws ModelFormatException {
        float[] v = values.get(p.spec().name());
        if (v == null || v.length != p.spec().elementCount()) {
            throw new ModelFormatException(file, "parameter '" + p.spec().name() + "' needs "
                    + p.spec().elementCount() + " values, the model gives " + (v == null ? "none" : v.length));
        }
        MemorySegment.copy(v, 0, p.value(), ValueLayout.JAVA_FLOAT, 0, v.length);
    }
}
