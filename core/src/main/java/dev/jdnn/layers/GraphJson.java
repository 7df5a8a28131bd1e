package dev.jdnn.layers;

import dev.jdnn.io.JsonValue;
import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonInteger;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.MemoryDesc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link Graph} as a model file's header stores it (docs/FORMAT.md, "Graph"): the input shape and the nodes in
 * order, each with its name, its operation ({@code {"type": ..., <attributes>}}, see {@link Op#attributes()}) and
 * the values it reads. Reading checks every bound before building anything: a hostile header gets a
 * ModelFormatException naming the node and what is wrong, never an unbounded allocation.
 */
public final class GraphJson {
    /** The most nodes a stored graph may have (a ResNet-152 has about 500). */
    public static final int MAX_NODES = 10_000;
    /** The most inputs a node may read: the most a concat joins. */
    public static final int MAX_INPUTS = Arg.MAX_SOURCES;
    /** The most dims of the graph's per-sample input: features (1) to images (3). */
    public static final int MAX_INPUT_RANK = 3;
    /** The most floats one sample of a value may hold: what a tensor of batch 1 can. */
    static final long MAX_VALUE_FLOATS = MemoryDesc.MAX_BYTES / Float.BYTES;

    private GraphJson() {}

    /**
     * The JSON of {@code graph}.
     *
     * @throws IllegalStateException if an operation's attributes use the key "type", which names the operation
     */
    public static JsonObject write(Graph graph) {
        List<JsonValue> nodes = new ArrayList<>();
        for (Graph.Node node : graph.nodes()) {
            Map<String, JsonValue> op = new LinkedHashMap<>();
            op.put("type", new JsonString(node.op().type()));
            JsonObject attributes = node.op().attributes();
            if (attributes.get("type") != null) {
                throw new IllegalStateException(node.op().name() + " has an attribute 'type', the key of its type");
            }
            op.putAll(attributes.members());
            nodes.add(new JsonObject.Builder().put("name", node.name()).put("op", new JsonObject(op))
                    .put("inputs", JsonArray.ofLongs(node.inputs().stream().mapToLong(Integer::longValue).toArray()))
                    .build());
        }
        return new JsonObject.Builder().put("input_shape", JsonArray.ofLongs(graph.inputShape()))
                .put("nodes", new JsonArray(nodes)).build();
    }

    /**
     * The graph that {@code value} describes, as {@link #write} writes it.
     *
     * @param file the model file, for messages
     * @throws ModelFormatException "corrupt graph: ..." naming the node and the problem if the JSON is not a graph
     *     of known operations within the bounds above, the operations do not fit their inputs, or a value would be
     *     larger than a tensor holds
     */
    public static Graph read(JsonValue value, Path file) throws ModelFormatException {
        if (!(value instanceof JsonObject graph)) throw corrupt(file, "the header has no 'graph' object");
        long[] inputShape = inputShape(graph.get("input_shape"), file);
        if (!(graph.get("nodes") instanceof JsonArray array) || array.values().isEmpty()
                || array.values().size() > MAX_NODES) {
            throw corrupt(file, "'nodes' must be an array of 1 to " + MAX_NODES + " nodes, got "
                    + (graph.get("nodes") instanceof JsonArray a ? a.values().size() + " nodes" : graph.get("nodes")));
        }
        List<Graph.Node> nodes = new ArrayList<>();
        for (JsonValue element : array.values()) nodes.add(node(nodes.size(), element, file));
        Graph result;
        try {
            result = Graph.of(inputShape, nodes);
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        } catch (ArithmeticException e) {
            throw corrupt(file, "a value's shape overflows 64 bits (" + e.getMessage() + ")");
        }
        for (int v = 0; v <= result.nodes().size(); v++) {
            long[] shape = result.shape(v);
            long floats = 1;
            for (long d : shape) floats = d > MAX_VALUE_FLOATS / floats ? MAX_VALUE_FLOATS + 1 : floats * d;
            if (floats > MAX_VALUE_FLOATS) {
                String what = v == 0 ? "the input" : "node '" + result.node(v - 1).name() + "' ("
                        + result.node(v - 1).op().name() + ")";
                throw corrupt(file, what + " has " + Arrays.toString(shape) + " per sample, more than the "
                        + MAX_VALUE_FLOATS + " floats a tensor holds");
            }
        }
        return result;
    }

    private static long[] inputShape(JsonValue value, Path file) throws ModelFormatException {
        String expected = "'input_shape' must be 1 to " + MAX_INPUT_RANK + " integers from 1 to "
                + OpAttributes.MAX_SIZE + ", got " + value;
        if (!(value instanceof JsonArray array) || array.values().isEmpty()
                || array.values().size() > MAX_INPUT_RANK) {
            throw corrupt(file, expected);
        }
        long[] shape = new long[array.values().size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(array.values().get(i) instanceof JsonInteger(long d)) || d < 1 || d > OpAttributes.MAX_SIZE) {
                throw corrupt(file, expected);
            }
            shape[i] = d;
        }
        return shape;
    }

    private static Graph.Node node(int index, JsonValue value, Path file) throws ModelFormatException {
        if (!(value instanceof JsonObject node) || !(node.get("name") instanceof JsonString(String name))) {
            throw corrupt(file, "node " + index + " must be an object with a string 'name', got " + value);
        }
        String where = "node " + index + " ('" + name + "')";
        if (!(node.get("inputs") instanceof JsonArray inputs) || inputs.values().isEmpty()
                || inputs.values().size() > MAX_INPUTS) {
            throw corrupt(file, where + ": 'inputs' must be an array of 1 to " + MAX_INPUTS + " value indices, got "
                    + (node.get("inputs") instanceof JsonArray a ? a.values().size() + " of them" : node.get("inputs")));
        }
        List<Integer> reads = new ArrayList<>();
        for (JsonValue input : inputs.values()) {
            if (!(input instanceof JsonInteger i) || !i.isInt()) {
                throw corrupt(file, where + ": 'inputs' must hold value indices (0 for the graph's input, j + 1 for"
                        + " node j's output), got " + inputs);
            }
            reads.add((int) i.value());
        }
        if (!(node.get("op") instanceof JsonObject op) || !(op.get("type") instanceof JsonString(String type))) {
            throw corrupt(file, where + ": 'op' must be an object with a string 'type', got " + node.get("op"));
        }
        Function<OpAttributes, Op> reader = OpTypes.reader(type);
        if (reader == null) {
            throw corrupt(file, where + " has the operation type '" + type + "', which this jdnn does not know;"
                    + " supported: " + OpTypes.supported());
        }
        try {
            OpAttributes attributes = new OpAttributes(op);
            attributes.text("type");
            Op read = reader.apply(attributes);
            attributes.requireAllRead(type);
            return new Graph.Node(name, read, reads);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw corrupt(file, where + ", " + type + ": " + e.getMessage());
        }
    }

    private static ModelFormatException corrupt(Path file, String problem) {
        return new ModelFormatException(file, "corrupt graph: " + problem);
    }
}
