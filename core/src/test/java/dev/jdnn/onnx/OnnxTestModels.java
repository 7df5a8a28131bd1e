package dev.jdnn.onnx;

import java.util.List;
import java.util.Map;

/** Small ONNX models written with jdnn's own protobuf writer, for the import's refusals. */
final class OnnxTestModels {
    private OnnxTestModels() {}

    /** A model of one node of {@code opType} named {@code name} from a 1 x 2 x 4 x 4 input to its output. */
    static byte[] singleNode(String opType, String name) {
        List<OnnxMessages.Dim> dims = List.of(OnnxMessages.Dim.named("N"), OnnxMessages.Dim.of(2),
                OnnxMessages.Dim.of(4), OnnxMessages.Dim.of(4));
        ProtoWriter graph = OnnxMessages.graph("g", "", List.of(OnnxMessages.node(opType, name, List.of("x"),
                        List.of("y"), List.of())), List.of(), List.of(OnnxMessages.floatValueInfo("x", dims)),
                List.of(OnnxMessages.floatValueInfo("y", dims)));
        return OnnxMessages.model(OnnxExport.IR_VERSION, OnnxExport.OPSET, "test", "", "", Map.of(), graph)
                .toByteArray();
    }
}
