package dev.jdnn.onnx;

/**
 * Where a message lies in an ONNX model, for error messages: {@code graph.node[3] (Conv 'conv1').attribute 'pads'}.
 * Kept as a chain as the reader descends and turned into text only when something is refused, so that reading a
 * large model builds no strings for it.
 *
 * @param index the position in a repeated field, or -1
 * @param label what names the message, such as {@code 'conv1.weight'}, or null
 */
record FieldPath(FieldPath parent, String field, int index, String label) {
    /** The ModelProto itself; its fields are named from the graph down ({@code graph.node[0]}), without it. */
    static final FieldPath MODEL = new FieldPath(null, "model", -1, null);

    FieldPath child(String field) {
        return new FieldPath(this, field, -1, null);
    }

    FieldPath child(String field, int index) {
        return new FieldPath(this, field, index, null);
    }

    /** This message named once its fields are read: {@code node[3]} becomes {@code node[3] (Conv 'conv1')}. */
    FieldPath labeled(String label) {
        return new FieldPath(parent, field, index, label);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        append(text);
        return text.toString();
    }

    private void append(StringBuilder text) {
        if (parent != null && parent.parent != null) {
            parent.append(text);
            text.append('.');
        }
        text.append(field);
        if (index >= 0) text.append('[').append(index).append(']');
        if (label != null) text.append(' ').append(label);
    }
}
