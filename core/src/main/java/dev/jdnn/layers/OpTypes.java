package dev.jdnn.layers;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The operations a model file may hold, by {@link Op#type()}: each type's reader, the static {@code fromJson} of its
 * class. A new operation writes its {@link Op#attributes()}, reads them in its own class, and adds one line here.
 */
final class OpTypes {
    private static final Map<String, Function<OpAttributes, Op>> READERS = new TreeMap<>(Map.ofEntries(
            Map.entry(Activation.TYPE, Activation::fromJson),
            Map.entry(Add.TYPE, Add::fromJson),
            Map.entry(BatchNorm1D.TYPE, BatchNorm1D::fromJson),
            Map.entry(BatchNorm2D.TYPE, BatchNorm2D::fromJson),
            Map.entry(Concat.TYPE, Concat::fromJson),
            Map.entry(Convolution2D.TYPE, Convolution2D::fromJson),
            Map.entry(Dense.TYPE, Dense::fromJson),
            Map.entry(Dropout.TYPE, Dropout::fromJson),
            Map.entry(Flatten.TYPE, Flatten::fromJson),
            Map.entry(GlobalAveragePooling2D.TYPE, GlobalAveragePooling2D::fromJson),
            Map.entry(Mul.TYPE, Mul::fromJson),
            Map.entry(Pooling2D.TYPE, Pooling2D::fromJson)));

    private OpTypes() {}

    /** The reader of {@code type}, or null if there is no such type. */
    static Function<OpAttributes, Op> reader(String type) {
        return READERS.get(type);
    }

    /** The types, in alphabetical order, for messages. */
    static String supported() {
        return String.join(", ", READERS.keySet());
    }
}
