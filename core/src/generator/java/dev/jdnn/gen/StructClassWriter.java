package dev.jdnn.gen;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes one struct's class, shaped like jextract's: the layout with explicit padding, its size, a
 * static getter and setter per field (slices for array and struct fields), and allocation helpers.
 */
final class StructClassWriter {
    private StructClassWriter() {}

    static String write(RecordLayout record, String origin, String header) {
        String name = record.name();
        String kind = record.union() ? "union" : "struct";
        StringBuilder out = new StringBuilder();
        out.append("/**\n");
        out.append(" * The C ").append(kind).append(" {@code ").append(name).append("} of {@code ").append(header)
                .append("}: ").append(record.size()).append(" bytes, aligned to ").append(record.alignment())
                .append(".\n");
        out.append(" * Every accessor takes the segment that holds the ").append(kind).append(".\n */\n");
        out.append("public final class ").append(name).append(" {\n");
        out.append("    private ").append(name).append("() {}\n\n");
        out.append("    private static final GroupLayout LAYOUT = ").append(layout(record)).append(";\n");
        out.append("""

                    /** The layout of {@code %1$s}. */
                    public static GroupLayout layout() {
                        return LAYOUT;
                    }

                    /** The size of {@code %1$s} in bytes. */
                    public static long sizeof() {
                        return LAYOUT.byteSize();
                    }

                    /** Allocates one zeroed {@code %1$s}. */
                    public static MemorySegment allocate(SegmentAllocator allocator) {
                        return allocator.allocate(LAYOUT);
                    }

                    /** Allocates a zeroed array of {@code count} {@code %1$s}. */
                    public static MemorySegment allocateArray(long count, SegmentAllocator allocator) {
                        return allocator.allocate(LAYOUT, count);
                    }

                    /** The element at {@code index} of an array of {@code %1$s}. */
                    public static MemorySegment asSlice(MemorySegment array, long index) {
                        return array.asSlice(LAYOUT.byteSize() * index, LAYOUT.byteSize());
                    }
                """.formatted(name));
        for (RecordLayout.Field field : record.fields()) {
            accessors(out, field);
        }
        out.append("}\n");
        return JavaSource.file(origin, out.toString());
    }

    /** The group layout, with a padding element wherever the C compiler leaves a gap. */
    private static String layout(RecordLayout record) {
        List<String> elements = new ArrayList<>();
        long end = 0;
        for (RecordLayout.Field field : record.fields()) {
            if (field.offset() > end) elements.add("MemoryLayout.paddingLayout(" + (field.offset() - end) + ")");
            String element = JavaTypes.layout(field.type());
            if (field.explicitAlignment()) element += ".withByteAlignment(" + field.alignment() + ")";
            elements.add(element + ".withName(\"" + field.name() + "\")");
            end = Math.max(end, field.offset() + field.size());
        }
        if (record.size() > end) {
            elements.add("MemoryLayout.paddingLayout(" + (record.union() ? record.size() : record.size() - end) + ")");
        }
        String group = record.union() ? "MemoryLayout.unionLayout(" : "MemoryLayout.structLayout(";
        String result = group + "\n            " + String.join(",\n            ", elements) + ")";
        if (record.alignment() > record.naturalAlignment()) result += "\n            .withByteAlignment(" + record.alignment() + ")";
        return result + "\n            .withName(\"" + record.name() + "\")";
    }

    private static void accessors(StringBuilder out, RecordLayout.Field field) {
        String method = JavaNames.safe(field.name());
        String constant = field.name();
        String layoutClass = JavaTypes.layoutClass(field.type());
        out.append('\n');
        out.append("    private static final ").append(layoutClass).append(' ').append(constant).append("$LAYOUT =\n")
                .append("            (").append(layoutClass).append(") LAYOUT.select(MemoryLayout.PathElement.groupElement(\"")
                .append(field.name()).append("\"));\n");
        out.append("    private static final long ").append(constant).append("$OFFSET =\n")
                .append("            LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(\"")
                .append(field.name()).append("\"));\n");
        String c = "{@code " + CDeclarators.of(field.spelled(), field.name()) + "}";
        if (JavaTypes.isValue(field.type())) {
            String carrier = JavaTypes.carrier(field.type());
            out.append("""

                        /** Reads %1$s. */
                        public static %2$s %3$s(MemorySegment struct) {
                            return struct.get(%4$s$LAYOUT, %4$s$OFFSET);
                        }

                        /** Writes %1$s. */
                        public static void %3$s(MemorySegment struct, %2$s value) {
                            struct.set(%4$s$LAYOUT, %4$s$OFFSET, value);
                        }
                    """.formatted(c, carrier, method, constant));
        } else {
            out.append("""

                        /** The slice of the struct that holds %1$s. */
                        public static MemorySegment %2$s(MemorySegment struct) {
                            return struct.asSlice(%3$s$OFFSET, %3$s$LAYOUT.byteSize());
                        }

                        /** Copies {@code value} into %1$s. */
                        public static void %2$s(MemorySegment struct, MemorySegment value) {
                            MemorySegment.copy(value, 0L, struct, %3$s$OFFSET, %3$s$LAYOUT.byteSize());
                        }
                    """.formatted(c, method, constant));
        }
    }
}
