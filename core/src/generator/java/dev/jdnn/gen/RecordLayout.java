package dev.jdnn.gen;

import java.util.List;

/**
 * Where each field of a struct or union lies, as the C compiler of the host ABI places it.
 *
 * @param alignment the record's alignment, including any {@code aligned} attribute
 */
record RecordLayout(String name, boolean union, List<Field> fields, long size, long alignment) {
    /**
     * One field.
     *
     * @param spelled the field's C type as written, for documentation
     * @param alignment the field's alignment, raised by an {@code aligned} attribute if there is one
     * @param explicitAlignment true when an attribute raised the alignment above the type's natural one
     */
    record Field(String name, CType type, String spelled, long offset, long size, long alignment, boolean explicitAlignment) {}

    /** The natural alignment of the fields alone; an attribute on the record may raise it. */
    long naturalAlignment() {
        return fields.stream().mapToLong(Field::alignment).max().orElse(1);
    }
}
