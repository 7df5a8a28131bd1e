package dev.jdnn.onnx;

/**
 * What one read of a model may still allocate beyond the file's bytes ({@link OnnxModel#MAX_ITEMS} values of
 * structure, {@link OnnxModel#MAX_COPIED_BYTES} of decoded tensor values), charged before each allocation, so that a
 * file of small fields that each make an object cannot make many more objects than a real model has.
 */
final class ReadBudget {
    private long items;
    private long copiedBytes;

    /** Charges {@code count} values of structure about to be kept for the message {@code reader} reads. */
    void items(ProtoReader reader, long count) throws OnnxFormatException {
        items += count;
        if (items > OnnxModel.MAX_ITEMS) {
            throw reader.error("more than " + OnnxModel.MAX_ITEMS + " nodes, attributes, tensors, value infos,"
                    + " dimensions, names and list elements in all: more than jdnn reads of a model's structure");
        }
    }

    /** Charges one value of structure. */
    void item(ProtoReader reader) throws OnnxFormatException {
        items(reader, 1);
    }

    /** Charges {@code bytes} of tensor values about to be decoded into a new array for the tensor at {@code path}. */
    void copied(ProtoReader reader, FieldPath path, long bytes) throws OnnxFormatException {
        copiedBytes += bytes;
        if (copiedBytes > OnnxModel.MAX_COPIED_BYTES) {
            throw reader.error(path, "more than " + OnnxModel.MAX_COPIED_BYTES + " bytes of tensor values kept in"
                    + " int32_data, int64_data or split runs, in all; jdnn reads large tensors from raw_data (as"
                    + " exporters and onnx.numpy_helper.from_array write them)");
        }
    }
}
