package dev.jdnn.gen;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lays records out by the System V / LP64 rules clang applies on the platforms jdnn ships: each field at
 * the next multiple of its alignment, the record's size rounded up to its largest alignment, every
 * union member at offset 0, and {@code __attribute__((aligned(n)))} raising a field's or record's
 * alignment. Bit-fields, packed records and anonymous members are refused: no oneDNN record uses them.
 */
final class RecordLayouter {
    /** The alignment GCC and clang give a bare {@code __attribute__((aligned))} on x86-64. */
    private static final long DEFAULT_ATTRIBUTE_ALIGNMENT = 16;

    private final Declarations declarations;
    private final TypeParser types;
    private final Map<String, RecordLayout> done = new HashMap<>();
    private final Set<String> inProgress = new HashSet<>();

    RecordLayouter(Declarations declarations, TypeParser types) {
        this.declarations = declarations;
        this.types = types;
    }

    /** The layout of a defined record, by name. */
    RecordLayout layout(String name) throws UnsupportedTypeException {
        RecordLayout known = done.get(name);
        if (known != null) return known;
        JsonNode node = declarations.record(name)
                .orElseThrow(() -> new UnsupportedTypeException("struct " + name + " is incomplete"));
        if (!inProgress.add(name)) throw new UnsupportedTypeException("struct " + name + " contains itself");
        try {
            RecordLayout layout = compute(name, node);
            done.put(name, layout);
            return layout;
        } finally {
            inProgress.remove(name);
        }
    }

    /** Size in bytes of a type that can be stored in memory. */
    long sizeOf(CType type) throws UnsupportedTypeException {
        return switch (type) {
            case CType.Scalar scalar when scalar == CType.Scalar.VOID ->
                    throw new UnsupportedTypeException("void has no size");
            case CType.Scalar scalar -> scalar.size();
            case CType.Pointer pointer -> 8;
            case CType.Array array -> array.length() * sizeOf(array.element());
            case CType.Record record -> layout(record.name()).size();
            case CType.Function function -> throw new UnsupportedTypeException("a function has no size");
        };
    }

    /** Natural alignment in bytes of a type that can be stored in memory. */
    long alignmentOf(CType type) throws UnsupportedTypeException {
        return switch (type) {
            case CType.Array array -> alignmentOf(array.element());
            case CType.Record record -> layout(record.name()).alignment();
            default -> sizeOf(type);
        };
    }

    private RecordLayout compute(String name, JsonNode node) throws UnsupportedTypeException {
        boolean union = node.path("tagUsed").asText().equals("union");
        long recordAlignment = 1;
        List<RecordLayout.Field> fields = new ArrayList<>();
        long end = 0;
        for (JsonNode member : node.path("inner")) {
            String kind = member.path("kind").asText();
            switch (kind) {
                case "FieldDecl" -> {
                    RecordLayout.Field field = field(name, member, union ? 0 : end);
                    fields.add(field);
                    end = Math.max(end, field.offset() + field.size());
                    recordAlignment = Math.max(recordAlignment, field.alignment());
                }
                case "AlignedAttr" -> recordAlignment = Math.max(recordAlignment, attributeAlignment(member));
                case "PackedAttr", "MaxFieldAlignmentAttr" ->
                        throw new UnsupportedTypeException("struct " + name + " is packed");
                default -> { }
            }
        }
        if (fields.isEmpty()) throw new UnsupportedTypeException("struct " + name + " has no fields");
        return new RecordLayout(name, union, List.copyOf(fields), alignUp(end, recordAlignment), recordAlignment);
    }

    private RecordLayout.Field field(String record, JsonNode member, long end) throws UnsupportedTypeException {
        String name = member.path("name").asText("");
        if (name.isEmpty()) throw new UnsupportedTypeException("struct " + record + " has an anonymous member");
        if (member.path("isBitfield").asBoolean()) {
            throw new UnsupportedTypeException("struct " + record + " has bit-field " + name);
        }
        String spelled = member.path("type").path("qualType").asText();
        CType type = types.parse(spelled);
        long alignment = alignmentOf(type);
        boolean explicit = false;
        for (JsonNode attribute : member.path("inner")) {
            if (attribute.path("kind").asText().equals("AlignedAttr")) {
                long requested = attributeAlignment(attribute);
                explicit |= requested > alignment;
                alignment = Math.max(alignment, requested);
            }
        }
        return new RecordLayout.Field(name, type, spelled, alignUp(end, alignment), sizeOf(type), alignment, explicit);
    }

    private static long attributeAlignment(JsonNode attribute) {
        JsonNode value = attribute.path("inner").path(0).path("value");
        return value.isMissingNode() ? DEFAULT_ATTRIBUTE_ALIGNMENT : Long.parseLong(value.asText());
    }

    private static long alignUp(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
