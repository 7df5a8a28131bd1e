package dev.jdnn.onnx;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The declared type of a named value of an ONNX graph ({@code ValueInfoProto} of a tensor type): a graph input or
 * output, or an intermediate value's shape as an exporter or shape inference recorded it.
 *
 * @param shape its dimensions; empty if the file gives no shape (the rank is unknown), an empty list for a scalar
 */
public record OnnxValueInfo(String name, OnnxDataType elemType, Optional<List<Dim>> shape) {
    public OnnxValueInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elemType, "elemType");
        shape = shape.map(List::copyOf);
    }

    /**
     * One dimension ({@code TensorShapeProto.Dimension}): a size, a symbolic name such as a dynamic batch "N", or
     * neither (unknown).
     *
     * @param value the size, 0 or more, if it is fixed; otherwise -1
     * @param param the symbolic name, if it has one; otherwise null
     */
    public record Dim(long value, String param) {
        /** A dimension with neither a size nor a name. */
        public static final Dim UNKNOWN = new Dim(-1, null);

        public Dim {
            if (value < -1 || value >= 0 && param != null) {
                throw new IllegalArgumentException("a dimension is a size (0 or more) or a name, not " + value
                        + " and " + param);
            }
        }

        /** A dimension of {@code value} (0 or more). */
        public static Dim of(long value) {
            if (value < 0) throw new IllegalArgumentException("a dimension of " + value + "; sizes are 0 or more");
            return new Dim(value, null);
        }

        /** A dimension named {@code param}. */
        public static Dim named(String param) {
            return new Dim(-1, Objects.requireNonNull(param, "param"));
        }

        public boolean isFixed() {
            return value >= 0;
        }
    }
}
