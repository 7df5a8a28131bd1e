package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.onnx.ProtoReader.Span;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The wire format read back: values written by {@link ProtoWriter} (itself checked against protobuf's encoding guide
 * by ProtoWriterTest), and bytes worked out by hand for what no writer produces: overlong varints, lengths past the
 * end, deprecated and unassigned wire types, malformed UTF-8.
 */
class ProtoReaderTest {
    private static ProtoReader reader(String hex) {
        return ProtoReader.of("t.onnx", HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    private static ProtoReader reader(ProtoWriter written) {
        return ProtoReader.of("t.onnx", written.toByteArray());
    }

    @FunctionalInterface
    private interface Read {
        void run(ProtoReader r) throws OnnxFormatException;
    }

    private static String refused(String hex, Read read, String... words) {
        ProtoReader r = reader(hex);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> read.run(r));
        for (String word : words) assertTrue(e.getMessage().contains(word), "lacks '" + word + "': " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void varintsReadBackAsWritten() throws OnnxFormatException {
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 127L, 128L, 300L, 16_384L, (long) Integer.MAX_VALUE,
                (long) Integer.MIN_VALUE, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) values.add(random.nextLong() >> random.nextInt(64));
        for (long value : values) {
            ProtoReader r = reader(new ProtoWriter().int64(3, value));
            int tag = r.tag();
            assertEquals(3, ProtoReader.field(tag));
            assertEquals(ProtoReader.VARINT, ProtoReader.wireType(tag));
            assertEquals(value, r.int64(tag, "v"));
            assertFalse(r.hasMore());
        }
    }

    @Test
    void aVarintHasAtMostTenBytesAndSixtyFourBits() throws OnnxFormatException {
        ProtoReader r = reader("FF FF FF FF FF FF FF FF FF 01");
        assertEquals(-1L, r.varint());
        assertEquals(0, reader("80 80 00").varint(), "a longer encoding than needed is still a varint");
        refused("FF FF FF FF FF FF FF FF FF 02", ProtoReader::varint, "more than 64 bits", "at byte 0");
        refused("FF FF FF FF FF FF FF FF FF 81 00", ProtoReader::varint, "more than 64 bits");
        refused("FF FF FF FF FF FF FF FF FF FF FF FF", ProtoReader::varint, "more than 64 bits");
        refused("96", ProtoReader::varint, "truncated: a varint runs past the end of the ModelProto");
    }

    @Test
    void tagsNameAFieldFrom1To2Pow29Minus1AndAWireTypeOfProtobufs() throws OnnxFormatException {
        assertEquals((ProtoWriter.MAX_FIELD << 3), reader("F8 FF FF FF 0F").tag());
        refused("00", ProtoReader::tag, "field tag of 0");
        refused("80 80 80 80 10", ProtoReader::tag, "field tag of 4294967296");
        refused("0B", ProtoReader::tag, "field 1 has wire type 3", "groups");
        refused("0C", ProtoReader::tag, "wire type 4");
        refused("0E", ProtoReader::tag, "wire type 6");
        refused("0F", ProtoReader::tag, "wire type 7");
    }

    @Test
    void aFieldOfTheWrongWireTypeIsRefusedByName() {
        refused("3A 00", r -> r.int64(r.tag(), "ir_version"),
                "ir_version (field 7) has wire type 2 (length-delimited); ONNX writes it as 0 (varint)");
        refused("38 01", r -> r.span(r.tag(), "graph"), "graph (field 7) has wire type 0 (varint)");
        refused("39 00 00 00 00 00 00 00 00", r -> r.float32(r.tag(), "f"), "has wire type 1 (64-bit)");
    }

    @Test
    void everyLengthIsCheckedAgainstTheBytesThatRemain() throws OnnxFormatException {
        ProtoReader abc = reader("12 03 61 62 63");
        assertEquals("abc", abc.string(abc.tag(), "name"));
        refused("12 05 61 62", r -> r.span(r.tag(), "name"), "name (field 2) claims 5 bytes but 2 remain", "at byte 1");
        refused("3A 80 80 80 80 80 80 80 80 40", r -> r.span(r.tag(), "graph"),
                "claims 4611686018427387904 bytes but 0 remain");
        refused("3A FF FF FF FF FF FF FF FF FF 01", r -> r.span(r.tag(), "graph"),
                "claims 18446744073709551615 bytes");
        refused("15 00 00", r -> r.float32(r.tag(), "f"), "truncated", "needs 4 bytes but 2 remain");
        refused("09 00 00 00", r -> r.skip(r.tag()), "needs 8 bytes but 3 remain");
    }

    @Test
    void aNestedMessageIsReadWithinItsOwnBytes() throws OnnxFormatException {
        // Field 3 holds two bytes, 08 96: a varint cut off by the message's end, though the outer bytes go on.
        ProtoReader outer = reader("1A 02 08 96 01");
        int tag = outer.tag();
        ProtoReader inner = outer.message(tag, "graph", FieldPath.MODEL.child("graph"));
        assertEquals(0x08, inner.tag());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, inner::varint);
        assertEquals("t.onnx: graph: truncated: a varint runs past the end of graph (at byte 3)", e.getMessage());
        assertTrue(outer.hasMore(), "the outer reader is past the nested message only");
        assertEquals(1, outer.varint());
    }

    @Test
    void skippedFieldsOfEveryWireTypeAreSteppedOverWhole() throws OnnxFormatException {
        ProtoWriter fields = new ProtoWriter().int64(1, -1).float32(2, 1f).string(3, "skip me")
                .message(4, new ProtoWriter().message(1, new ProtoWriter().int64(1, 5)));
        byte[] written = fields.toByteArray();
        byte[] withFixed64 = new byte[written.length + 9 + 2];
        System.arraycopy(written, 0, withFixed64, 0, written.length);
        withFixed64[written.length] = 0x29; // field 5, wire type 1, then 8 bytes
        withFixed64[written.length + 9] = 0x30; // field 6, varint 7
        withFixed64[written.length + 10] = 7;
        ProtoReader r = ProtoReader.of("t.onnx", withFixed64);
        for (int i = 0; i < 5; i++) r.skip(r.tag());
        int tag = r.tag();
        assertEquals(6, ProtoReader.field(tag));
        assertEquals(7, r.int64(tag, "last"));
        assertFalse(r.hasMore());
    }

    @Test
    void repeatedScalarsArePackedOrOneValueAField() throws OnnxFormatException {
        ProtoReader r = reader("42 03 01 96 01  40 05  3D 00 00 80 3F  3A 08 00 00 80 3F 00 00 00 40");
        Span packed = r.scalars(r.tag(), "ints", ProtoReader.VARINT);
        assertEquals(new Span(2, 3), packed);
        assertEquals(2, r.countVarints(packed, "ints"));
        ProtoReader values = r.at(packed, FieldPath.MODEL);
        assertEquals(1, values.varint());
        assertEquals(150, values.varint());
        assertEquals(new Span(6, 1), r.scalars(r.tag(), "ints", ProtoReader.VARINT));
        assertEquals(new Span(8, 4), r.scalars(r.tag(), "floats", ProtoReader.FIXED32));
        assertEquals(new Span(14, 8), r.scalars(r.tag(), "floats", ProtoReader.FIXED32));
        refused("3A 05 00 00 80 3F 00", r2 -> r2.scalars(r2.tag(), "floats", ProtoReader.FIXED32),
                "packed floats of 5 bytes, not a whole number of 4-byte values");
        refused("3D 00 00", r2 -> r2.scalars(r2.tag(), "floats", ProtoReader.FIXED32), "truncated");
        refused("42 02 01 96", r2 -> r2.countVarints(r2.scalars(r2.tag(), "ints", ProtoReader.VARINT), "ints"),
                "the last varint of ints runs past its end");
        refused("45 00 00 00 00", r2 -> r2.scalars(r2.tag(), "ints", ProtoReader.VARINT), "has wire type 5 (32-bit)");
    }

    @Test
    void stringsAreUtf8AndMalformedUtf8IsRefused() throws OnnxFormatException {
        ProtoReader text = reader(new ProtoWriter().string(1, "\u00e9t\u00e9 \uD83D\uDE00"));
        assertEquals("\u00e9t\u00e9 \uD83D\uDE00", text.string(text.tag(), "name"));
        for (String bad : List.of("C3 28", "C0 80", "ED A0 80", "F8 88 80 80 80", "E2 82")) {
            String hex = "0A " + String.format("%02X", bad.split(" ").length) + " " + bad;
            refused(hex, r -> r.string(r.tag(), "name"), "name is not valid UTF-8", "at byte 2");
        }
    }

    @Test
    void messagesNameTheSourceThePathAndTheByte() {
        FieldPath attribute = FieldPath.MODEL.child("graph").child("node", 3).labeled("(Conv 'conv1')")
                .child("attribute", 0);
        assertEquals("graph.node[3] (Conv 'conv1').attribute[0]", attribute.toString());
        OnnxFormatException e = reader("").error(attribute, "no type");
        assertEquals("t.onnx: graph.node[3] (Conv 'conv1').attribute[0]: no type", e.getMessage());
        assertEquals("t.onnx: the ModelProto: truncated: a varint runs past the end of the ModelProto (at byte 0)",
                refused("", ProtoReader::varint));
    }
}
