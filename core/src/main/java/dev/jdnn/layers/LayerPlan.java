package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;
import java.util.List;

/**
 * A layer compiled for one input descriptor (batch size and layout) and one {@link Mode}: its primitives,
 * reorders and buffers are created once, so {@link #forward()} and {@link #backward()} only execute.
 * <p>The input tensor is fixed when the plan is built (its data may change between calls, not its
 * memory object). The gradient contract mirrors the forward one: {@link #gradInput()} has the descriptor
 * of the input, and the gradient bound with {@link #bindGradOutput} has the descriptor of {@link #output()}.
 */
public interface LayerPlan {
    /** The output, allocated when the plan was built; valid after {@link #forward()}. */
    Tensor output();

    /** Computes {@link #output()} from the input the plan was built with. */
    void forward();

    /**
     * The gradient with respect to the input, or null in inference plans and where the plan was built
     * without it (the first layer of a network needs none).
     */
    Tensor gradInput();

    /**
     * The gradient with respect to input {@code index} of an operation of several inputs; for one input, index 0 is
     * {@link #gradInput()}.
     */
    default Tensor gradInput(int index) {
        if (index != 0) throw new IndexOutOfBoundsException("this plan has one input, asked for input " + index);
        return gradInput();
    }

    /** Binds the gradient of the loss with respect to {@link #output()}; once, before the first backward. */
    void bindGradOutput(Tensor gradOutput);

    /**
     * Computes {@link #gradInput()} (if any) and overwrites the gradients of the layer's parameters.
     * Needs the forward of the same step to have run first.
     */
    void backward();

    /** The plans this one runs, in order (a sequence's layers); empty for a single layer. */
    default List<LayerPlan> children() {
        return List.of();
    }
}
