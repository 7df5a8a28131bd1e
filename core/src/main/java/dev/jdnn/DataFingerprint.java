package dev.jdnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.data.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * What a checkpoint remembers of its data, so that resuming on other data is refused instead of silently
 * continuing a different run: the sizes of the training and validation parts and a CRC32C of their labels in order.
 */
record DataFingerprint(int trainCount, int validCount, String labelsCrc32c) {
    static DataFingerprint of(Dataset train, Dataset valid) {
        CRC32C crc = new CRC32C();
        update(crc, train);
        if (valid != null) update(crc, valid);
        return new DataFingerprint(train.count(), valid == null ? 0 : valid.count(),
                HexFormat.of().toHexDigits((int) crc.getValue()));
    }

    private static void update(CRC32C crc, Dataset data) {
        int[] labels = data.labels();
        ByteBuffer bytes = ByteBuffer.allocate(labels.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(labels);
        crc.update(bytes);
    }

    ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("train_count", trainCount).put("valid_count", validCount)
                .put("labels_crc32c", labelsCrc32c);
    }

    static DataFingerprint fromJson(JsonNode o) {
        return new DataFingerprint(o.path("train_count").asInt(-1), o.path("valid_count").asInt(-1),
                o.path("labels_crc32c").asText(""));
    }

    /** @throws IllegalArgumentException if {@code other} is not the data this fingerprint was taken of */
    void requireSame(DataFingerprint other) {
        if (!equals(other)) {
            throw new IllegalArgumentException("the checkpoint was made with " + this + ", this data has " + other
                    + "; resume with the data and settings of the interrupted run");
        }
    }

    @Override
    public String toString() {
        return trainCount + " training and " + validCount + " validation images (labels CRC32C " + labelsCrc32c + ")";
    }
}
