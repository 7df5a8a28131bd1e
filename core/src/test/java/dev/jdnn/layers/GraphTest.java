package dev.jdnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The graph's structure rules: shapes, names, parameter layout, readers, and the builder's pruning. */
class GraphTest {
    private static final long[] IMAGE = {2, 6, 6};

    @Test
    void aChainNamesNodesAndParametersByPathAsSequentialDid() {
        Sequential block = new Sequential(List.of(new Convolution2D(2, 3, 3, 1, Padding.SAME), new BatchNorm2D(3)));
        Graph graph = Graph.chain(new Sequential(List.of(block, new Flatten(), new Dense(108, 4))), IMAGE);
        assertEquals(List.of("0.0", "0.1", "1", "2"), graph.nodes().stream().map(Graph.Node::name).toList());
        assertEquals(new Sequential(List.of(block, new Flatten(), new Dense(108, 4))).parameters(IMAGE),
                graph.parameters());
        assertEquals(List.of("0.0.weight", "0.0.bias"), graph.parameters().subList(0, 2).stream()
                .map(ParameterSpec::name).toList());
        assertEquals(2, graph.parameterStart(1));
        assertEquals(4, graph.parameterCount(1));
        assertEquals(0, graph.parameterCount(2));
        assertArrayEquals(new long[] {4}, graph.outputShape());
        assertArrayEquals(new long[] {108}, graph.shape(3));
    }

    @Test
    void aSingleLayerIsOneNodeWithTheEmptyName() {
        Graph graph = Graph.chain(new Dense(4, 2), new long[] {4});
        assertEquals("", graph.node(0).name());
        assertEquals(List.of("weight", "bias"), graph.parameters().stream().map(ParameterSpec::name).toList());
    }

    @Test
    void readersAreListedPerValueWithTheirSlot() {
        GraphBuilder b = new GraphBuilder(IMAGE);
        GraphBuilder.Value conv = b.apply("conv", new Convolution2D(2, 2, 3, 1, Padding.SAME), b.input());
        GraphBuilder.Value sum = b.apply("sum", new Add(), conv, b.input());
        Graph graph = b.build(b.apply("pool", new GlobalAveragePooling2D(), sum));
        assertEquals(List.of(new Graph.Use(0, 0), new Graph.Use(1, 1)), graph.uses(0));
        assertEquals(List.of(new Graph.Use(1, 0)), graph.uses(1));
        assertArrayEquals(new long[] {2, 1, 1}, graph.outputShape());
    }

    @Test
    void theBuilderKeepsOnlyWhatTheOutputNeedsInOrder() {
        GraphBuilder b = new GraphBuilder(IMAGE);
        GraphBuilder.Value unused = b.apply("unused", new Activation(ActivationFunction.TANH), b.input());
        GraphBuilder.Value a = b.apply("a", new Convolution2D(2, 4, 1, 1, Padding.SAME), b.input());
        GraphBuilder.Value c = b.concat(a, b.input());
        Graph graph = b.build(c);
        assertEquals(List.of("a", "2"), graph.nodes().stream().map(Graph.Node::name).toList());
        assertEquals(List.of(0, 1, 0), List.of(graph.node(0).inputs().getFirst(), graph.node(1).inputs().get(0),
                graph.node(1).inputs().get(1)));
        assertArrayEquals(new long[] {6, 6, 6}, graph.outputShape());
        assertArrayEquals(new long[] {2, 6, 6}, unused.shape());
    }

    @Test
    void badGraphsAreRefusedWithWhatIsWrong() {
        Dense dense = new Dense(4, 4);
        assertMessage(() -> Graph.of(new long[] {4}, List.of()), "at least one node");
        assertMessage(() -> Graph.of(new long[] {0}, List.of(new Graph.Node("a", dense, List.of(0)))),
                "positive dims");
        assertMessage(() -> Graph.of(new long[] {4}, List.of(new Graph.Node("a", dense, List.of(1)))),
                "reads value 1, but only the input (0) and the outputs of the nodes before it (1..0)");
        assertMessage(() -> Graph.of(new long[] {4}, List.of(new Graph.Node("a", dense, List.of(0)),
                new Graph.Node("a", dense, List.of(1)))), "two nodes are named 'a'");
        assertMessage(() -> Graph.of(new long[] {4}, List.of(new Graph.Node("a b", dense, List.of(0)),
                new Graph.Node("c", dense, List.of(1)))), "letters, digits");
        assertMessage(() -> Graph.of(new long[] {4}, List.of(new Graph.Node("a", new Add(), List.of(0)))),
                "reads 2 inputs, given 1");
        assertMessage(() -> Graph.of(new long[] {4}, List.of(new Graph.Node("a", dense, List.of(0)),
                new Graph.Node("b", dense, List.of(0)))), "the output of node 'a' is read by no node");
        assertMessage(() -> Graph.of(new long[] {2, 4, 4}, List.of(new Graph.Node("a",
                new Convolution2D(2, 3, 1, 1, Padding.SAME), List.of(0)), new Graph.Node("b", new Add(), List.of(0, 1)))),
                "add needs each dim equal in both inputs or 1 in one of them, got [2, 4, 4] and [3, 4, 4]");
        GraphBuilder b = new GraphBuilder(2, 4, 4);
        assertMessage(() -> b.add(b.input(), b.apply(new Dense(32, 3), b.apply(new Flatten(), b.input()))),
                "same rank");
        assertMessage(() -> b.build(b.input()), "the output is the input");
        assertMessage(() -> b.apply(new Add(), b.input()), "reads 2 inputs, given 1");
        assertMessage(() -> b.apply(new Activation(ActivationFunction.RELU), new GraphBuilder(1).input()),
                "not a value of this builder");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
