package dev.jdnn.onnx;

import java.util.List;
import java.util.Objects;

/**
 * An attribute of an ONNX node ({@code AttributeProto}): its name, its type and the one value field the type names;
 * the other value fields hold their defaults (0, "", null, empty lists) whatever the file put in them. The values of
 * subgraphs, lists of tensors, sparse tensors and types (the attributes of If, Loop, Scan and the like, which jdnn
 * does not run) are not read: such an attribute has only its name and type, and the operator is left for the
 * importer to refuse by name.
 *
 * @param f the value of a FLOAT attribute
 * @param i the value of an INT attribute
 * @param s the value of a STRING attribute (UTF-8, as ONNX's operators use them: "SAME_UPPER", "NCHW")
 * @param t the value of a TENSOR attribute; null for other types
 * @param floats the values of a FLOATS attribute
 * @param ints the values of an INTS attribute
 * @param strings the values of a STRINGS attribute
 */
public record OnnxAttribute(String name, Type type, float f, long i, String s, OnnxTensorProto t, List<Float> floats,
                            List<Long> ints, List<String> strings) {
    /** {@code AttributeProto.AttributeType}, with the codes of onnx.proto. */
    public enum Type {
        FLOAT(1, true),
        INT(2, true),
        STRING(3, true),
        TENSOR(4, true),
        GRAPH(5, false),
        FLOATS(6, true),
        INTS(7, true),
        STRINGS(8, true),
        TENSORS(9, false),
        GRAPHS(10, false),
        SPARSE_TENSOR(11, false),
        SPARSE_TENSORS(12, false),
        TYPE_PROTO(13, false),
        TYPE_PROTOS(14, false);

        private final int code;
        private final boolean valueRead;

        Type(int code, boolean valueRead) {
            this.code = code;
            this.valueRead = valueRead;
        }

        /** Its value in {@code AttributeProto.AttributeType}. */
        public int code() {
            return code;
        }

        /** Whether jdnn reads the value of an attribute of this type. */
        public boolean valueRead() {
            return valueRead;
        }

        static Type ofCode(long code) {
            for (Type type : values()) if (type.code == code) return type;
            return null;
        }
    }

    public OnnxAttribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(s, "s");
        floats = List.copyOf(floats);
        ints = List.copyOf(ints);
        strings = List.copyOf(strings);
    }
}
