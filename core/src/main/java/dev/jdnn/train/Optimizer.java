package dev.jdnn.train;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Locale;

/**
 * A weight-update rule: an immutable configuration that {@link #bind binds} to a flat parameter block and gives the
 * stateful {@link Updater}. The formulas and defaults are PyTorch 1.13's {@code torch.optim} ones (single-tensor
 * path, float32), so the trajectories can be checked against PyTorch step by step.
 *
 * <p>Because the updates compute in float32, a rule's constructor refuses, with an {@link OutOfRangeException}, a
 * learning rate or eps that rounded to float32 is outside {@link Float#MIN_VALUE} to {@link Float#MAX_VALUE}, a
 * weight decay or momentum decay that rounded is outside 0 to {@link Float#MAX_VALUE}, and a decay rate (betas, alpha, rho, momentum) outside [0, 1); NaN is
 * outside every range.
 *
 * <p>L2 regularisation (the seed's {@code lambda_}) is not an optimizer option: it belongs to the loss and is added
 * to the weight gradients before the step, so it never touches biases. {@link AdamW}'s decoupled weight decay is
 * part of its rule and is kept.
 */
public sealed interface Optimizer
        permits Sgd, Momentum, RmsProp, Adam, AdaGrad, AdaDelta, AdaMax, AdamW, NAdam {

    /** The names {@link #byName} accepts, in the seed's order. */
    List<String> NAMES =
            List.of("sgd", "momentum", "rmsprop", "adam", "adagrad", "adadelta", "adamax", "adamw", "nadam");

    /** The step size. */
    double learningRate();

    /** The same rule with another learning rate (e.g. from a command-line option), validated like a new one. */
    Optimizer withLearningRate(double learningRate);

    /** The rule's name, one of {@link #NAMES}. */
    String name();

    /**
     * Allocates the rule's state for {@code parameterCount} floats in {@code arena}, zeroed, once; the returned
     * updater lives as long as the arena and is confined to one thread at a time.
     *
     * @throws IllegalArgumentException if parameterCount is not positive
     */
    Updater bind(long parameterCount, Arena arena);

    /**
     * The rule called {@code name} (case-insensitive) with the given learning rate and default hyper-parameters.
     *
     * @throws IllegalArgumentException naming the unknown name and the allowed ones, or a learning rate out of range
     */
    static Optimizer byName(String name, double learningRate) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new Sgd(learningRate);
            case "momentum" -> new Momentum(learningRate);
            case "rmsprop" -> new RmsProp(learningRate);
            case "adam" -> new Adam(learningRate);
            case "adagrad" -> new AdaGrad(learningRate);
            case "adadelta" -> new AdaDelta(learningRate);
            case "adamax" -> new AdaMax(learningRate);
            case "adamw" -> new AdamW(learningRate);
            case "nadam" -> new NAdam(learningRate);
            default -> throw new IllegalArgumentException(
                    "unknown optimizer '" + name + "'; allowed: " + String.join(", ", NAMES));
        };
    }
}
