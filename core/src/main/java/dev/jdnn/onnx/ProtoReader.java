package dev.jdnn.onnx;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one protobuf message in the wire format from a range of bytes: the reading side of {@link ProtoWriter}, for
 * files from anywhere. Every field starts with a varint tag {@code (field << 3) | wireType}; the wire types are
 * varint (0), 64-bit (1), length-delimited (2) and 32-bit (5); groups (3, 4) are deprecated, unused by ONNX and
 * refused like the unassigned 6 and 7.
 * <p>Nothing is trusted: a varint has at most 10 bytes and 64 bits, every length is checked against the bytes that
 * remain in its message before anything is read or allocated for it, a nested message is read by a reader bounded
 * to its own bytes, and strings must be valid UTF-8 (a malformed name is refused rather than read as a different
 * one). Every call consumes at least one byte or throws, so no input makes a loop over fields run longer than the
 * input. Each problem is an {@link OnnxFormatException} naming the message ({@link FieldPath}), the field and the
 * byte offset in the file.
 * <p>The reader does not recurse: a caller asks for the nested messages it wants and {@link #skip}s the others whole,
 * so the depth of what is read is fixed by the caller's schema, not by the input.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;
    /** 64 bits in 7-bit groups. */
    static final int MAX_VARINT_BYTES = 10;

    private final String source;
    private final byte[] bytes;
    private final FieldPath path;
    private final int end;
    private int position;

    private ProtoReader(String source, byte[] bytes, int start, int end, FieldPath path) {
        this.source = source;
        this.bytes = bytes;
        this.position = start;
        this.end = end;
        this.path = path;
    }

    /** A reader of the whole array as a ModelProto; {@code source} names it in messages. */
    static ProtoReader of(String source, byte[] bytes) {
        return new ProtoReader(source, bytes, 0, bytes.length, FieldPath.MODEL);
    }

    /** A reader of the message at {@code span} of the same bytes (a span one of the readers here gave). */
    ProtoReader at(Span span, FieldPath path) {
        return new ProtoReader(source, bytes, span.offset(), span.offset() + span.length(), path);
    }

    FieldPath path() {
        return path;
    }

    boolean hasMore() {
        return position < end;
    }

    /** The next field's tag: its field number is {@link #field}, its wire type {@link #wireType}. */
    int tag() throws OnnxFormatException {
        int at = position;
        long tag = varint();
        int wireType = (int) (tag & 7);
        if (tag >>> 32 != 0 || tag >>> 3 == 0) {
            throw error(at, "a field tag of " + Long.toUnsignedString(tag) + ": field numbers are 1 to 2^29 - 1");
        }
        if (wireType != VARINT && wireType != FIXED64 && wireType != LENGTH_DELIMITED && wireType != FIXED32) {
            throw error(at, "field " + (tag >>> 3) + " has wire type " + wireType + "; protobuf's are 0 (varint), 1"
                    + " (64-bit), 2 (length-delimited) and 5 (32-bit), groups (3, 4) being deprecated and unused by ONNX");
        }
        return (int) tag;
    }

    static int field(int tag) {
        return tag >>> 3;
    }

    static int wireType(int tag) {
        return tag & 7;
    }

    /** An int64, uint64 or enum field. */
    long int64(int tag, String name) throws OnnxFormatException {
        expect(tag, VARINT, name);
        return varint();
    }

    /** An int32 field: protobuf writes a negative one as its 64-bit two's complement, so any other value is refused. */
    int int32(int tag, String name) throws OnnxFormatException {
        int at = position;
        long value = int64(tag, name);
        if (value != (int) value) throw error(at, name + " is an int32; " + value + " is not one");
        return (int) value;
    }

    /** A float field. */
    float float32(int tag, String name) throws OnnxFormatException {
        expect(tag, FIXED32, name);
        return Float.intBitsToFloat(fixed32());
    }

    /** A string field. */
    String string(int tag, String name) throws OnnxFormatException {
        return string(span(tag, name), name);
    }

    /** Where a length-delimited field's bytes (a string, bytes or a message) lie; the reader moves past them. */
    Span span(int tag, String name) throws OnnxFormatException {
        expect(tag, LENGTH_DELIMITED, name);
        int at = position;
        long length = varint();
        if (length < 0 || length > end - position) {
            throw error(at, name + " (field " + field(tag) + ") claims " + Long.toUnsignedString(length)
                    + " bytes but " + (end - position) + " remain in " + describe(path));
        }
        Span span = new Span(position, (int) length);
        position += (int) length;
        return span;
    }

    /** The message in a length-delimited field, as a reader of its bytes only. */
    ProtoReader message(int tag, String name, FieldPath path) throws OnnxFormatException {
        return at(span(tag, name), path);
    }

    /**
     * One occurrence of a repeated scalar field, as the span of its bytes: a packed run of values (wire type 2), or
     * one value written unpacked ({@code unpacked}: {@link #VARINT}, {@link #FIXED32} or {@link #FIXED64}).
     * Protobuf's parsers accept either form whatever the field declares, and so does this one. A packed run of fixed
     * values must be a whole number of them; varints are checked when they are read.
     */
    Span scalars(int tag, String name, int unpacked) throws OnnxFormatException {
        int width = unpacked == FIXED32 ? 4 : unpacked == FIXED64 ? 8 : 0;
        if (wireType(tag) == LENGTH_DELIMITED) {
            Span span = span(tag, name);
            if (width > 0 && span.length() % width != 0) {
                throw error(span.offset(), "packed " + name + " of " + span.length() + " bytes, not a whole number of "
                        + width + "-byte values");
            }
            return span;
        }
        expect(tag, unpacked, name);
        int start = position;
        if (width == 0) {
            varint();
        } else {
            require(width, name);
            position += width;
        }
        return new Span(start, position - start);
    }

    /** Skips a field this reader's caller does not read, whole (a nested message is not looked into). */
    void skip(int tag) throws OnnxFormatException {
        switch (wireType(tag)) {
            case VARINT -> varint();
            case FIXED64 -> {
                require(8, "field " + field(tag));
                position += 8;
            }
            case FIXED32 -> {
                require(4, "field " + field(tag));
                position += 4;
            }
            default -> span(tag, "field " + field(tag));
        }
    }

    /** A varint at the reader's position; a packed run is read by calling this until {@link #hasMore} is false. */
    long varint() throws OnnxFormatException {
        int start = position;
        long value = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            if (position == end) {
                throw error(start, "truncated: a varint runs past the end of " + describe(path));
            }
            int b = bytes[position++] & 0xFF;
            // The tenth byte holds bit 63 only: anything more is a value of more than 64 bits or 10 bytes.
            if (i == MAX_VARINT_BYTES - 1 && b > 1) break;
            value |= (long) (b & 0x7F) << (7 * i);
            if (b < 0x80) return value;
        }
        throw error(start, "a varint of more than 64 bits (10 bytes)");
    }

    /** A little-endian 32-bit value at the reader's position. */
    int fixed32() throws OnnxFormatException {
        require(4, "a 32-bit value");
        int value = 0;
        for (int i = 0; i < 4; i++) value |= (bytes[position++] & 0xFF) << (8 * i);
        return value;
    }

    /** A little-endian 64-bit value at the reader's position. */
    long fixed64() throws OnnxFormatException {
        require(8, "a 64-bit value");
        long value = 0;
        for (int i = 0; i < 8; i++) value |= (bytes[position++] & 0xFFL) << (8 * i);
        return value;
    }

    /**
     * How many varints {@code span} holds, counted without decoding them (each ends at a byte below 0x80), so that a
     * caller can check the count before it allocates for them; a varint cut off at the span's end is refused.
     */
    int countVarints(Span span, String name) throws OnnxFormatException {
        int count = 0;
        int last = span.offset() + span.length();
        for (int i = span.offset(); i < last; i++) if (bytes[i] >= 0) count++;
        if (span.length() > 0 && bytes[last - 1] < 0) {
            throw error(last - 1, "truncated: the last varint of " + name + " runs past its end");
        }
        return count;
    }

    /** The UTF-8 text at {@code span}; malformed UTF-8 is refused. */
    String string(Span span, String name) throws OnnxFormatException {
        int offset = span.offset();
        int length = span.length();
        boolean ascii = true;
        for (int i = offset; i < offset + length && ascii; i++) ascii = bytes[i] >= 0;
        if (ascii) return new String(bytes, offset, length, StandardCharsets.US_ASCII);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            throw error(offset, name + " is not valid UTF-8");
        }
    }

    /** The bytes at {@code span}, read-only and not copied. */
    MemorySegment view(Span span) {
        return MemorySegment.ofArray(bytes).asSlice(span.offset(), span.length()).asReadOnly();
    }

    /** Copies the bytes at {@code span} into {@code target} at {@code offset}. */
    void copy(Span span, byte[] target, int offset) {
        System.arraycopy(bytes, span.offset(), target, offset, span.length());
    }

    /** The problem, at byte {@code at} of the file, in this reader's message. */
    OnnxFormatException error(int at, String problem) {
        return new OnnxFormatException(source, describe(path) + ": " + problem + " (at byte " + at + ")");
    }

    /** The problem, in this reader's message, not tied to a byte (something missing, values that disagree). */
    OnnxFormatException error(String problem) {
        return error(path, problem);
    }

    /** The problem, in the message at {@code path}: this one, named now that its fields are read. */
    OnnxFormatException error(FieldPath path, String problem) {
        return new OnnxFormatException(source, describe(path) + ": " + problem);
    }

    private static String describe(FieldPath path) {
        return path == FieldPath.MODEL ? "the ModelProto" : path.toString();
    }

    private void expect(int tag, int wireType, String name) throws OnnxFormatException {
        if (wireType(tag) != wireType) {
            throw error(position, name + " (field " + field(tag) + ") has wire type " + wireType(tag) + " ("
                    + wireTypeName(wireType(tag)) + "); ONNX writes it as " + wireType + " (" + wireTypeName(wireType)
                    + ")");
        }
    }

    private void require(int count, String what) throws OnnxFormatException {
        if (end - position < count) {
            throw error(position, "truncated: " + what + " needs " + count + " bytes but " + (end - position)
                    + " remain in " + describe(path));
        }
    }

    private static String wireTypeName(int wireType) {
        return switch (wireType) {
            case VARINT -> "varint";
            case FIXED64 -> "64-bit";
            case LENGTH_DELIMITED -> "length-delimited";
            default -> "32-bit";
        };
    }

    /** Bytes of the input: a field's payload or a packed run. */
    record Span(int offset, int length) {}
}
