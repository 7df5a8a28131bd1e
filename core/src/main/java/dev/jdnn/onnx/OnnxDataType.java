package dev.jdnn.onnx;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types of ONNX tensors that jdnn reads ({@code TensorProto.DataType}): those its operators and the
 * shape computations exporters write use. A tensor's values are {@link #byteSize} bytes each, little-endian;
 * FLOAT16 and BFLOAT16 are kept as their 16 bits, BOOL as one byte (0 or 1). Other types (strings, complex numbers,
 * 16-bit and unsigned 32/64-bit integers, the 8- and 4-bit floats and integers) are refused where a file uses them.
 */
public enum OnnxDataType {
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    INT32(6, 4),
    INT64(7, 8),
    BOOL(9, 1),
    FLOAT16(10, 2),
    DOUBLE(11, 8),
    BFLOAT16(16, 2);

    /** The names of TensorProto.DataType's values, by code (onnx.proto), for naming the ones refused. */
    private static final String[] ONNX_NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
            "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
            "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1"};
    private static final String READ = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

    private final int code;
    private final int byteSize;

    OnnxDataType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /** Its value in {@code TensorProto.DataType}. */
    public int code() {
        return code;
    }

    /** Whether it holds floating-point numbers (FLOAT, DOUBLE, FLOAT16, BFLOAT16). */
    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The type of ONNX code {@code code}, or null if jdnn does not read it. */
    static OnnxDataType ofCode(long code) {
        for (OnnxDataType type : values()) if (type.code == code) return type;
        return null;
    }

    /** What a refusal of {@code code} says: "data type 8 (STRING) is not read; jdnn reads FLOAT, ...". */
    static String refusal(long code) {
        String name = code >= 0 && code < ONNX_NAMES.length ? " (" + ONNX_NAMES[(int) code] + ")" : "";
        return "data type " + code + name + " is not read; jdnn reads " + READ;
    }
}
