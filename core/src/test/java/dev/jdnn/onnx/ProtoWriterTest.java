package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The protobuf wire format against bytes worked out by hand from protobuf's encoding guide (its own examples where
 * it has them: 150 as field 1, "testing" as field 2, a nested message as field 3), and the ONNX messages against
 * field numbers read off onnx.proto.
 */
class ProtoWriterTest {
    private static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    private static void assertBytes(String expected, ProtoWriter actual) {
        assertEquals(expected, HexFormat.ofDelimiter(" ").withUpperCase().formatHex(actual.toByteArray()));
    }

    /** The bytes of {@code value} as a varint: field 1's one-byte tag (08) stripped. */
    private static String varint(long value) {
        byte[] field = new ProtoWriter().int64(1, value).toByteArray();
        assertEquals(0x08, field[0], "field 1, wire type 0");
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(field, 1, field.length);
    }

    @Test
    void varintsCarrySevenBitsPerByteLowGroupFirst() {
        assertEquals("00", varint(0));
        assertEquals("01", varint(1));
        assertEquals("7F", varint(127));
        assertEquals("80 01", varint(128));
        assertEquals("AC 02", varint(300)); // 0b10_0101100
        assertEquals("80 80 01", varint(16_384));
        assertEquals("FF FF FF FF 07", varint(Integer.MAX_VALUE));
        assertEquals("FF FF FF FF FF FF FF FF 7F", varint(Long.MAX_VALUE));
        // Negative numbers are their 64-bit two's complement: always ten bytes.
        assertEquals("FF FF FF FF FF FF FF FF FF 01", varint(-1));
        assertEquals("80 80 80 80 80 80 80 80 80 01", varint(Long.MIN_VALUE));
    }

    @Test
    void fieldsStartWithTheirTag() {
        assertBytes("08 96 01", new ProtoWriter().int64(1, 150));
        assertBytes("08 FE FF FF FF FF FF FF FF FF 01", new ProtoWriter().int64(1, -2));
        assertBytes("A0 01 07", new ProtoWriter().int64(20, 7)); // tag 20 << 3 = 160 needs two bytes
        assertBytes("F8 FF FF FF 0F 00", new ProtoWriter().int64(ProtoWriter.MAX_FIELD, 0));
        assertBytes("15 00 00 80 3F", new ProtoWriter().float32(2, 1.0f));
        assertBytes("15 00 00 20 C0", new ProtoWriter().float32(2, -2.5f));
        assertBytes("12 07 74 65 73 74 69 6E 67", new ProtoWriter().string(2, "testing"));
        assertBytes("12 02 C3 A9", new ProtoWriter().string(2, "\u00e9")); // UTF-8, length in bytes
        assertBytes("0A 00", new ProtoWriter().string(1, ""));
    }

    @Test
    void lengthsPastOneHundredTwentySevenTakeTwoBytes() {
        byte[] payload = new byte[200];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
        byte[] written = new ProtoWriter().bytes(9, payload).toByteArray();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(hex("4A C8 01")); // field 9, wire type 2; 200 = 0xC8 -> C8 01
        expected.writeBytes(payload);
        assertArrayEquals(expected.toByteArray(), written);
    }

    @Test
    void nestedMessagesArePrefixedWithTheirLength() {
        assertBytes("1A 03 08 96 01", new ProtoWriter().message(3, new ProtoWriter().int64(1, 150)));
        assertBytes("1A 00", new ProtoWriter().message(3, new ProtoWriter()));
    }

    @Test
    void packedFloatsAreOneLengthThenFourLittleEndianBytesEach() {
        assertBytes("22 08 00 00 80 3F 00 00 20 C0", new ProtoWriter().packedFloats(4, new float[] {1.0f, -2.5f}));
        assertBytes("22 00", new ProtoWriter().packedFloats(4, new float[0]));
        float[] many = new float[40]; // 160 bytes: a two-byte length
        many[39] = Float.MIN_VALUE;
        byte[] written = new ProtoWriter().packedFloats(4, many).toByteArray();
        assertEquals(3 + 160, written.length);
        assertArrayEquals(hex("22 A0 01"), Arrays.copyOf(written, 3));
        assertArrayEquals(hex("01 00 00 00"), Arrays.copyOfRange(written, 159, 163));
    }

    @Test
    void repeatedInt64sAreUnpackedAsProto2WritesThem() {
        assertBytes("40 01 40 02 40 96 01", new ProtoWriter().int64s(8, 1, 2, 150));
        assertBytes("", new ProtoWriter().int64s(8));
    }

    @Test
    void fieldsComeOutInTheOrderTheyAreAdded() {
        ProtoWriter writer = new ProtoWriter().int64(2, 1).string(1, "a").float32(3, 0f);
        assertBytes("10 01 0A 01 61 1D 00 00 00 00", writer);
        assertEquals(10, writer.size());
    }

    @Test
    void fieldNumbersOutsideProtobufsRangeAreRefused() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().int64(0, 1));
        assertTrue(zero.getMessage().contains("1.." + ProtoWriter.MAX_FIELD), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().string(ProtoWriter.MAX_FIELD + 1, "x"));
    }

    @Test
    void growsPastItsFirstBuffer() {
        ProtoWriter writer = new ProtoWriter();
        for (int i = 0; i < 10_000; i++) writer.int64(1, i);
        byte[] bytes = writer.toByteArray();
        assertEquals(writer.size(), bytes.length);
        // 128 one-byte values, the rest two-byte: each with its one-byte tag.
        assertEquals(128 * 2 + (10_000 - 128) * 3, bytes.length);
        assertArrayEquals(hex("08 8F 4E"), Arrays.copyOfRange(bytes, bytes.length - 3, bytes.length));
    }

    // The ONNX messages: field numbers from onnx.proto, type tags from AttributeProto.AttributeType.

    @Test
    void attributesCarryNameValueAndType() {
        // name = 1, ints = 8 (unpacked), type = 20 (INTS = 7)
        assertBytes("0A 04 70 61 64 73 40 01 40 00 A0 01 07", OnnxMessages.intsAttribute("pads", 1, 0));
        // name = 1, f = 2 (fixed32), type = 20 (FLOAT = 1)
        assertBytes("0A 05 61 6C 70 68 61 15 00 00 00 3F A0 01 01", OnnxMessages.floatAttribute("alpha", 0.5f));
        // name = 1, i = 3, type = 20 (INT = 2)
        assertBytes("0A 04 61 78 69 73 18 01 A0 01 02", OnnxMessages.intAttribute("axis", 1));
    }

    @Test
    void tensorsCarryDimsTypePackedFloatsAndName() {
        // dims = 1, data_type = 2 (FLOAT = 1), float_data = 4 (packed), name = 8
        assertBytes("08 02 10 01 22 08 00 00 80 3F 00 00 00 40 42 01 62",
                OnnxMessages.floatTensor("b", new long[] {2}, new float[] {1f, 2f}));
    }

    @Test
    void valueInfosNestTypeTensorTypeShapeAndDims() {
        // ValueInfoProto{name = 1 "x", type = 2 (15 bytes) TypeProto{tensor_type = 1 (13 bytes) {elem_type = 1 FLOAT,
        //   shape = 2 (9 bytes) {dim = 1 {dim_param = 2 "N"}, dim = 1 {dim_value = 1 3}}}}}
        assertBytes("0A 01 78 12 0F 0A 0D 08 01 12 09 0A 03 12 01 4E 0A 02 08 03",
                OnnxMessages.floatValueInfo("x", List.of(OnnxMessages.Dim.named("N"), OnnxMessages.Dim.of(3))));
    }

    @Test
    void nodesListInputsOutputsNameTypeAndAttributes() {
        // input = 1, output = 2, name = 3, op_type = 4, attribute = 5
        assertBytes("0A 01 61 0A 01 77 12 01 79 1A 01 6E 22 04 52 65 6C 75",
                OnnxMessages.node("Relu", "n", List.of("a", "w"), List.of("y"), List.of()));
    }

    @Test
    void modelsStartWithTheirIrVersionAndImportTheDefaultOpset() {
        ProtoWriter model = OnnxMessages.model(7, 13, "j", "1", "d", Map.of("k", "v"), new ProtoWriter());
        // ir_version = 1, producer_name = 2, producer_version = 3, doc_string = 6, graph = 7,
        // opset_import = 8 {domain = 1 "", version = 2}, metadata_props = 14 {key = 1, value = 2}
        assertBytes("08 07 12 01 6A 1A 01 31 32 01 64 3A 00 42 04 0A 00 10 0D 72 06 0A 01 6B 12 01 76", model);
    }
}
