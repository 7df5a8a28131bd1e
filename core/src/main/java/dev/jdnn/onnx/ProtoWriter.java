package dev.jdnn.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One protobuf message being written in the wire format, as much of it as an ONNX file needs: varints, 32-bit
 * floats, length-delimited strings, bytes and nested messages, packed floats. Each field is written as it is
 * added, so fields come out in the order of the calls; a nested message is written whole into its parent.
 * <p>Wire format (protobuf's "Encoding" guide): every field starts with the tag {@code (field << 3) | wireType}
 * as a varint; varints carry 7 bits per byte, least significant group first, the high bit set on every byte but
 * the last; negative numbers are their 64-bit two's complement (10 bytes); length-delimited fields give their byte
 * count as a varint before the bytes; fixed32 values are 4 bytes little-endian.
 */
final class ProtoWriter {
    static final int VARINT = 0;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;
    /** The largest field number protobuf allows, 2^29 - 1. */
    static final int MAX_FIELD = (1 << 29) - 1;
    /** Protobuf refuses messages of 2 GiB and more; a Java array could not hold them either. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private byte[] bytes = new byte[64];
    private int size;

    /** An int64, int32 or enum field. */
    ProtoWriter int64(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    /** A float field (wire type fixed32). */
    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        fixed32(Float.floatToRawIntBits(value));
        return this;
    }

    /** A string field, in UTF-8. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        append(value, value.length);
        return this;
    }

    /** A field holding another message. */
    ProtoWriter message(int field, ProtoWriter message) {
        tag(field, LENGTH_DELIMITED);
        varint(message.size);
        append(message.bytes, message.size);
        return this;
    }

    /**
     * A repeated int64 field written unpacked, one tag per value: how proto2 encodes a repeated scalar field that
     * is not declared {@code [packed = true]}, as ONNX's {@code AttributeProto.ints} and {@code TensorProto.dims}.
     */
    ProtoWriter int64s(int field, long... values) {
        for (long value : values) int64(field, value);
        return this;
    }

    /** A repeated float field declared {@code [packed = true]}: one tag, the byte count, then 4 bytes per value. */
    ProtoWriter packedFloats(int field, float[] values) {
        tag(field, LENGTH_DELIMITED);
        long length = (long) values.length * Float.BYTES;
        requireRoom(length + 10);
        varint(length);
        ByteBuffer.wrap(bytes, size, (int) length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        size += (int) length;
        return this;
    }

    /** Bytes written so far. */
    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void tag(int field, int wireType) {
        if (field < 1 || field > MAX_FIELD) {
            throw new IllegalArgumentException("protobuf field numbers are 1.." + MAX_FIELD + ", got " + field);
        }
        varint(((long) field << 3) | wireType);
    }

    private void varint(long value) {
        requireRoom(10);
        long v = value;
        while ((v & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
    }

    private void fixed32(int value) {
        requireRoom(4);
        for (int i = 0; i < 4; i++) bytes[size++] = (byte) (value >>> (8 * i));
    }

    private void append(byte[] source, int length) {
        requireRoom(length);
        System.arraycopy(source, 0, bytes, size, length);
        size += length;
    }

    private void requireRoom(long more) {
        long needed = size + more;
        if (needed <= bytes.length) return;
        if (needed > MAX_BYTES) {
            throw new IllegalArgumentException("a protobuf message holds less than 2 GiB; this one would need "
                    + needed + " bytes");
        }
        bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_BYTES, Math.max(needed, 2L * bytes.length)));
    }
}
