package dev.jdnn.onnx;

import dev.jdnn.onnx.ProtoReader.Span;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code TensorProto} into an {@link OnnxTensorProto}: dims, data_type, name and the values from whichever
 * field holds them. The fields are gathered first (a tensor's name comes after some of its values in the files
 * protobuf writes) and checked together: the element type is one jdnn reads, the dimensions are 0 or more and their
 * product fits 64 bits, exactly one field holds values, of the type's kind, and it holds exactly as many values as
 * the dimensions make, all before anything is allocated for them.
 */
final class OnnxTensorParser {
    // TensorProto (onnx.proto)
    private static final int DIMS = 1;
    private static final int DATA_TYPE = 2;
    private static final int SEGMENT = 3;
    private static final int FLOAT_DATA = 4;
    private static final int INT32_DATA = 5;
    private static final int STRING_DATA = 6;
    private static final int INT64_DATA = 7;
    private static final int NAME = 8;
    private static final int RAW_DATA = 9;
    private static final int DOUBLE_DATA = 10;
    private static final int UINT64_DATA = 11;
    private static final int EXTERNAL_DATA = 13;
    private static final int DATA_LOCATION = 14;
    /** TensorProto.DataLocation.EXTERNAL. */
    private static final int EXTERNAL = 1;
    // StringStringEntryProto
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private final ReadBudget budget;

    OnnxTensorParser(ReadBudget budget) {
        this.budget = budget;
    }

    /** The tensor {@code r} reads; its path names the field it is in ({@code graph.initializer[2]}). */
    OnnxTensorProto tensor(ProtoReader r) throws OnnxFormatException {
        List<Long> dims = new ArrayList<>();
        long dataType = 0;
        String name = "";
        Span raw = null;
        List<Span> floatData = new ArrayList<>();
        List<Span> int32Data = new ArrayList<>();
        List<Span> int64Data = new ArrayList<>();
        List<Span> doubleData = new ArrayList<>();
        boolean external = false;
        String location = null;
        while (r.hasMore()) {
            int tag = r.tag();
            switch (ProtoReader.field(tag)) {
                case DIMS -> {
                    ProtoReader run = r.at(r.scalars(tag, "dims", ProtoReader.VARINT), r.path());
                    while (run.hasMore()) {
                        budget.item(r);
                        dims.add(run.varint());
                        if (dims.size() > OnnxModel.MAX_RANK) {
                            throw r.error("more than " + OnnxModel.MAX_RANK + " dims; jdnn reads tensors of at most "
                                    + OnnxModel.MAX_RANK + " dimensions");
                        }
                    }
                }
                case DATA_TYPE -> dataType = r.int32(tag, "data_type");
                case SEGMENT -> throw r.error("segment: tensors split into segments are not read");
                case FLOAT_DATA -> run(r, floatData).add(r.scalars(tag, "float_data", ProtoReader.FIXED32));
                case INT32_DATA -> run(r, int32Data).add(r.scalars(tag, "int32_data", ProtoReader.VARINT));
                case STRING_DATA -> throw r.error("string_data: " + OnnxDataType.refusal(8));
                case INT64_DATA -> run(r, int64Data).add(r.scalars(tag, "int64_data", ProtoReader.VARINT));
                case NAME -> name = r.string(tag, "name");
                case RAW_DATA -> raw = r.span(tag, "raw_data");
                case DOUBLE_DATA -> run(r, doubleData).add(r.scalars(tag, "double_data", ProtoReader.FIXED64));
                case UINT64_DATA -> throw r.error("uint64_data holds UINT32 or UINT64 values; "
                        + OnnxDataType.refusal(13));
                case EXTERNAL_DATA -> {
                    external = true;
                    String value = locationOf(r.message(tag, "external_data", r.path().child("external_data")));
                    if (value != null) location = value;
                }
                case DATA_LOCATION -> external |= r.int64(tag, "data_location") == EXTERNAL;
                default -> r.skip(tag);
            }
        }
        FieldPath path = name.isEmpty() ? r.path() : r.path().labeled("'" + name + "'");
        if (external) {
            throw r.error(path, "keeps its values in an external file" + (location == null ? "" : " ('" + location
                    + "')") + "; jdnn reads models that hold their tensors: save the model with"
                    + " onnx.save_model(model, path, save_as_external_data=False)");
        }
        OnnxDataType type = OnnxDataType.ofCode(dataType);
        if (type == null) throw r.error(path, "data_type: " + OnnxDataType.refusal(dataType));
        long count = elementCount(r, path, dims);

        List<String> present = new ArrayList<>();
        if (raw != null) present.add("raw_data");
        if (!floatData.isEmpty()) present.add("float_data");
        if (!int32Data.isEmpty()) present.add("int32_data");
        if (!int64Data.isEmpty()) present.add("int64_data");
        if (!doubleData.isEmpty()) present.add("double_data");
        if (present.size() > 1) {
            throw r.error(path, "holds values in " + String.join(" and ", present) + "; a tensor keeps them in one field");
        }
        MemorySegment data;
        if (raw != null) {
            if (count > raw.length() / type.byteSize() || raw.length() != count * type.byteSize()) {
                throw r.error(path, "raw_data holds " + raw.length() + " bytes; dims " + dims + " make " + count + " "
                        + type + " values of " + type.byteSize() + " bytes");
            }
            data = r.view(raw);
        } else if (!floatData.isEmpty()) {
            requireType(r, path, "float_data", type, OnnxDataType.FLOAT);
            data = fixed(r, path, "float_data", floatData, type, count);
        } else if (!doubleData.isEmpty()) {
            requireType(r, path, "double_data", type, OnnxDataType.DOUBLE);
            data = fixed(r, path, "double_data", doubleData, type, count);
        } else if (!int64Data.isEmpty()) {
            requireType(r, path, "int64_data", type, OnnxDataType.INT64);
            data = varints(r, path, "int64_data", int64Data, type, count);
        } else if (!int32Data.isEmpty()) {
            if (type == OnnxDataType.FLOAT || type == OnnxDataType.INT64 || type == OnnxDataType.DOUBLE) {
                throw r.error(path, "int32_data holds INT32, INT8, UINT8, BOOL, FLOAT16 or BFLOAT16 values; this"
                        + " tensor's data_type is " + type);
            }
            data = varints(r, path, "int32_data", int32Data, type, count);
        } else {
            if (count != 0) {
                throw r.error(path, "holds no values (no raw_data or typed data field) for the " + count
                        + " elements of dims " + dims);
            }
            data = MemorySegment.ofArray(new byte[0]);
        }
        return new OnnxTensorProto(name, type, dims, data);
    }

    /** The runs of a repeated field, charged one item each: a file may write every value as a field of its own. */
    private List<Span> run(ProtoReader r, List<Span> runs) throws OnnxFormatException {
        budget.item(r);
        return runs;
    }

    private static long elementCount(ProtoReader r, FieldPath path, List<Long> dims) throws OnnxFormatException {
        long count = 1;
        for (int i = 0; i < dims.size(); i++) {
            long dim = dims.get(i);
            if (dim < 0) throw r.error(path, "dims[" + i + "] is " + dim + "; dimensions are 0 or more");
            if (dim != 0 && count > Long.MAX_VALUE / dim) {
                throw r.error(path, "dims " + dims + " make more than 2^63 - 1 elements");
            }
            count *= dim;
        }
        return count;
    }

    private static void requireType(ProtoReader r, FieldPath path, String field, OnnxDataType type,
                                    OnnxDataType holds) throws OnnxFormatException {
        if (type != holds) {
            throw r.error(path, field + " holds " + holds + " values; this tensor's data_type is " + type);
        }
    }

    /** Values written as they are (float_data, double_data): a view if in one run, as exporters write them. */
    private MemorySegment fixed(ProtoReader r, FieldPath path, String field, List<Span> runs, OnnxDataType type,
                                long count) throws OnnxFormatException {
        long bytes = 0;
        for (Span run : runs) bytes += run.length();
        if (count > bytes / type.byteSize() || bytes != count * type.byteSize()) {
            throw r.error(path, field + " holds " + bytes / type.byteSize() + " values; dims make " + count);
        }
        if (runs.size() == 1) return r.view(runs.getFirst());
        budget.copied(r, path, bytes);
        byte[] values = new byte[(int) bytes];
        int offset = 0;
        for (Span run : runs) {
            r.copy(run, values, offset);
            offset += run.length();
        }
        return MemorySegment.ofArray(values).asReadOnly();
    }

    /** Values written as varints (int32_data, int64_data), counted before they are decoded to the type's width. */
    private MemorySegment varints(ProtoReader r, FieldPath path, String field, List<Span> runs, OnnxDataType type,
                                  long count) throws OnnxFormatException {
        long found = 0;
        for (Span run : runs) found += r.countVarints(run, field);
        if (found != count) throw r.error(path, field + " holds " + found + " values; dims make " + count);
        long bytes = count * type.byteSize();
        budget.copied(r, path, bytes);
        ByteBuffer values = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        long min = switch (type) {
            case INT8 -> Byte.MIN_VALUE;
            case UINT8, BOOL -> 0;
            case FLOAT16, BFLOAT16 -> Short.MIN_VALUE; // the 16 bits, as uint16 (ONNX's helper) or int16
            case INT32 -> Integer.MIN_VALUE;
            default -> Long.MIN_VALUE;
        };
        long max = switch (type) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 255;
            case BOOL -> 1;
            case FLOAT16, BFLOAT16 -> 65_535;
            case INT32 -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
        for (Span run : runs) {
            ProtoReader reader = r.at(run, path);
            while (reader.hasMore()) {
                long value = reader.varint();
                if (value < min || value > max) {
                    throw r.error(path, field + " holds " + value + ", not a " + type + " value (" + min + " to "
                            + max + ")");
                }
                switch (type.byteSize()) {
                    case 1 -> values.put((byte) value);
                    case 2 -> values.putShort((short) value);
                    case 4 -> values.putInt((int) value);
                    default -> values.putLong(value);
                }
            }
        }
        return MemorySegment.ofArray(values.array()).asReadOnly();
    }

    /** The "location" of an external_data entry, or null if it has none. */
    private static String locationOf(ProtoReader entry) throws OnnxFormatException {
        String key = "";
        String value = null;
        while (entry.hasMore()) {
            int tag = entry.tag();
            switch (ProtoReader.field(tag)) {
                case ENTRY_KEY -> key = entry.string(tag, "key");
                case ENTRY_VALUE -> value = entry.string(tag, "value");
                default -> entry.skip(tag);
            }
        }
        return "location".equals(key) ? value : null;
    }
}
