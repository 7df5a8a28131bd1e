package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.SimpleCNN;
import dev.jdnn.onnx.OnnxExport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes a saved model in another format: ONNX ({@code export --onnx OUT MODEL}). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a saved model as an ONNX model (opset " + OnnxExport.OPSET + "): input 'images' "
                + "N x C x H x W float with a dynamic batch N, output 'logits' N x classes, for ONNX Runtime and "
                + "other ONNX readers.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--onnx", required = true, paramLabel = "OUT", description = "the ONNX file to write")
    Path onnx;
    @Option(names = "--batch-norm", defaultValue = "folded", paramLabel = "folded|nodes",
            description = "fold batch norm into the layer before it (default, as jdnn's compiled model does) or "
                    + "write BatchNormalization nodes")
    String batchNorm;
    @Option(names = "--json", description = "end with one JSON line of what was written") boolean json;
    @Parameters(index = "0", paramLabel = "MODEL", description = "a model or checkpoint file")
    Path modelFile;

    @Override
    public Integer call() throws Exception {
        OnnxExport.BatchNormMode mode = switch (batchNorm.toLowerCase(Locale.ROOT)) {
            case "folded" -> OnnxExport.BatchNormMode.FOLDED;
            case "nodes" -> OnnxExport.BatchNormMode.NODES;
            default -> throw new IllegalArgumentException("--batch-norm '" + batchNorm + "' is not one of folded, nodes");
        };
        try (SimpleCNN model = SimpleCNN.load(modelFile)) {
            OnnxExport.Exported exported = OnnxExport.write(model, onnx, mode);
            if (json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("onnx", onnx.toString());
                result.put("bytes", exported.bytes());
                result.put("opset", OnnxExport.OPSET);
                result.put("batch_norm", mode.name().toLowerCase(Locale.ROOT));
                result.put("operators", exported.operators());
                System.out.println(new ObjectMapper().writeValueAsString(result));
            } else {
                System.out.printf(Locale.ROOT, "wrote %s (%d bytes, ONNX opset %d): %s%n", onnx, exported.bytes(),
                        OnnxExport.OPSET, String.join(" -> ", exported.operators()));
            }
        }
        return 0;
    }
}
