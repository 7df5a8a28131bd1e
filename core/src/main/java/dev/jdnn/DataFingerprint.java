package dev.jdnn;

import dev.jdnn.data.Dataset;
import dev.jdnn.io.JsonValue;
import dev.jdnn.io.JsonValue.JsonInteger;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
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

    JsonObject toJson() {
        return new JsonObject.Builder().put("train_count", trainCount).put("valid_count", validCount)
                .put("labels_crc32c", labelsCrc32c).build();
    }

    /** The fingerprint {@code o} holds; what is missing or malformed reads as -1 or "", which matches no data. */
    static DataFingerprint fromJson(JsonValue o) {
        JsonObject object = o instanceof JsonObject found ? found : new JsonObject.Builder().build();
        return new DataFingerprint(count(object.get("train_count")), count(object.get("valid_count")),
                object.get("labels_crc32c") instanceof JsonString(String crc) ? crc : "");
    }

    private static int count(JsonValue value) {
        return value instanceof JsonInteger integer && integer.isInt() ? (int) integer.value() : -1;
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
