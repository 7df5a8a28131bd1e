package dev.jdnn.data;

/**
 * The contents of an IDX file: its header and its elements converted to float, in the file's (row-major)
 * order. The array is handed over, not copied: whoever holds this object owns it.
 *
 * @param header the validated header
 * @param values {@code header.elementCount()} elements
 */
public record IdxArray(IdxHeader header, float[] values) {
    public IdxArray {
        if (values.length != header.elementCount()) {
            throw new IllegalArgumentException("header " + header + " needs " + header.elementCount()
                    + " values, got " + values.length);
        }
    }
}
