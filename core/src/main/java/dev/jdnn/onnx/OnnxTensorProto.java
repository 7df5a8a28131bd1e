package dev.jdnn.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * A tensor held in an ONNX model ({@code TensorProto}): an initializer, or the value of an attribute such as a
 * Constant node's. Whichever field the file keeps the values in (raw_data, float_data, int32_data, int64_data or
 * double_data), {@link #data} holds them in one form: {@link #elementCount} values of {@link OnnxDataType#byteSize}
 * bytes, little-endian, row-major, read-only. Values the file holds as they are (raw_data, a packed float_data or
 * double_data) are a view of the bytes read, not a copy. Named {@code ...Proto} to keep its name apart from ONNX
 * Runtime's {@code ai.onnxruntime.OnnxTensor}, which programs comparing the two import too.
 *
 * @param name the tensor's name, empty if it has none (an attribute's tensor)
 * @param dims its dimensions, each 0 or more; none for a scalar
 * @param data its values, {@code elementCount() * dataType.byteSize()} bytes
 */
public record OnnxTensorProto(String name, OnnxDataType dataType, List<Long> dims, MemorySegment data) {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_LE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * @throws IllegalArgumentException if a dimension is negative, their product overflows, or {@code data} does not
     *     hold exactly that many values
     */
    public OnnxTensorProto {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataType, "dataType");
        dims = List.copyOf(dims);
        long count = elementCount(dims);
        if (count > data.byteSize() / dataType.byteSize() || data.byteSize() != count * dataType.byteSize()) {
            throw new IllegalArgumentException("tensor '" + name + "' of dims " + dims + " holds " + count + " "
                    + dataType + " values, not the " + data.byteSize() + " bytes given");
        }
        data = data.asReadOnly();
    }

    /** The product of the dimensions: 1 for a scalar. */
    public long elementCount() {
        return elementCount(dims);
    }

    /**
     * The values as floats: FLOAT as they are, FLOAT16, BFLOAT16 and DOUBLE converted (DOUBLE rounded to nearest).
     *
     * @throws IllegalStateException if the tensor holds integers or booleans
     */
    public float[] floats() {
        int count = Math.toIntExact(elementCount());
        float[] values = new float[count];
        switch (dataType) {
            case FLOAT -> MemorySegment.copy(data, FLOAT_LE, 0, values, 0, count);
            case DOUBLE -> {
                for (int i = 0; i < count; i++) values[i] = (float) data.getAtIndex(DOUBLE_LE, i);
            }
            case FLOAT16 -> {
                for (int i = 0; i < count; i++) values[i] = Float.float16ToFloat(data.getAtIndex(SHORT_LE, i));
            }
            case BFLOAT16 -> {
                // bfloat16 is the high half of a float's bits.
                for (int i = 0; i < count; i++) values[i] = Float.intBitsToFloat(data.getAtIndex(SHORT_LE, i) << 16);
            }
            default -> throw new IllegalStateException("tensor '" + name + "' holds " + dataType
                    + " values; floats() reads FLOAT, FLOAT16, BFLOAT16 and DOUBLE");
        }
        return values;
    }

    /**
     * The values as longs: INT64 as they are, INT32, INT8, UINT8 (0 to 255) and BOOL (its byte: 1 for
     * true, 0 for false) widened; what shape
     * operands (Reshape's shape, Slice's starts) hold.
     *
     * @throws IllegalStateException if the tensor holds floating-point values
     */
    public long[] longs() {
        int count = Math.toIntExact(elementCount());
        long[] values = new long[count];
        switch (dataType) {
            case INT64 -> MemorySegment.copy(data, LONG_LE, 0, values, 0, count);
            case INT32 -> {
                for (int i = 0; i < count; i++) values[i] = data.getAtIndex(INT_LE, i);
            }
            case INT8 -> {
                for (int i = 0; i < count; i++) values[i] = data.get(ValueLayout.JAVA_BYTE, i);
            }
            case UINT8, BOOL -> {
                for (int i = 0; i < count; i++) values[i] = data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            }
            default -> throw new IllegalStateException("tensor '" + name + "' holds " + dataType
                    + " values; longs() reads INT64, INT32, INT8, UINT8 and BOOL");
        }
        return values;
    }

    private static long elementCount(List<Long> dims) {
        long count = 1;
        for (long dim : dims) {
            if (dim < 0) throw new IllegalArgumentException("a negative dimension in " + dims);
            if (dim != 0 && count > Long.MAX_VALUE / dim) {
                throw new IllegalArgumentException("dims " + dims + " make more than 2^63 - 1 elements");
            }
            count *= dim;
        }
        return count;
    }
}
