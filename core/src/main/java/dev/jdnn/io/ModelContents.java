package dev.jdnn.io;

import dev.jdnn.io.JsonValue.JsonObject;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model file that {@link ModelReader} has read and checked: its JSON header and its tensors, held off-heap until
 * {@link #close()}. Confined to the thread that read it.
 */
public final class ModelContents implements AutoCloseable {
    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final int version;
    private final JsonObject header;
    private final List<TensorEntry> tensors;
    private final Map<String, TensorEntry> byName = new LinkedHashMap<>();
    private final Arena arena;
    private final MemorySegment data;

    ModelContents(Path file, int version, JsonObject header, List<TensorEntry> tensors, Arena arena,
                  MemorySegment data) {
        this.file = file;
        this.version = version;
        this.header = header;
        this.tensors = tensors;
        this.arena = arena;
        this.data = data;
        for (TensorEntry t : tensors) byName.put(t.name(), t);
    }

    /** The file this was read from, for messages. */
    public Path file() {
        return file;
    }

    /** The file's format version (docs/FORMAT.md, "Versions"): 1, or 2 with the network's graph in the header. */
    public int version() {
        return version;
    }

    /** The JSON header, with its tensor table. */
    public JsonObject header() {
        return header;
    }

    /** The tensor table, in file order. */
    public List<TensorEntry> tensors() {
        return tensors;
    }

    public Optional<TensorEntry> tensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * Copies tensor {@code name} into {@code destination} as native-order float32 values.
     *
     * @throws IllegalArgumentException if there is no such tensor or the destination has another size
     */
    public void copyTo(String name, MemorySegment destination) {
        TensorEntry entry = byName.get(name);
        if (entry == null) throw new IllegalArgumentException(file + " has no tensor '" + name + "'");
        long bytes = entry.end() - entry.begin();
        if (destination.byteSize() != bytes) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + bytes + " bytes, the destination "
                    + destination.byteSize());
        }
        MemorySegment.copy(data, LITTLE_ENDIAN_FLOAT, entry.begin(), destination, ValueLayout.JAVA_FLOAT_UNALIGNED, 0,
                bytes / Float.BYTES);
    }

    /** Tensor {@code name}'s values in a new array (for small tensors). */
    public float[] floats(String name) {
        TensorEntry entry = byName.get(name);
        if (entry == null) throw new IllegalArgumentException(file + " has no tensor '" + name + "'");
        float[] values = new float[Math.toIntExact(entry.elementCount())];
        copyTo(name, MemorySegment.ofArray(values));
        return values;
    }

    /** Frees the tensors' memory. */
    @Override
    public void close() {
        arena.close();
    }
}
