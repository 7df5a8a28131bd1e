package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A weight initializer: fills a layer's weights, float32 in native byte order, from a distribution scaled by the
 * layer's fans (for a convolution, fanIn = inChannels * kernel area and fanOut = outChannels * kernel area; for a
 * dense layer, its input and output features). Biases are zeroed by the caller.
 *
 * <p>The values depend only on the generator's state, drawn in index order: the same seeded generator gives the
 * same weights. jdnn's generator is {@link java.util.SplittableRandom}, seeded from the run's seed and split once
 * per layer; normal samples come from {@link RandomGenerator#nextGaussian()}, uniform ones from
 * {@link RandomGenerator#nextDouble(double, double)}, rounded to float32.
 */
public sealed interface Initializer permits KaimingNormal, KaimingUniform, XavierNormal, XavierUniform, SmallNormal {

    /** The names {@link #byName} accepts; "he" and "glorot" are the normal variants, "none" the seed's default. */
    List<String> NAMES = List.of(
            "kaiming-normal", "he", "kaiming-uniform", "xavier-normal", "glorot", "xavier-uniform", "none");

    /** The initializer's canonical name (never one of the aliases). */
    String name();

    /**
     * Writes {@code count} values into the first {@code count} floats of {@code weights}.
     *
     * @throws IllegalArgumentException if count is negative, a fan is not positive or weights is too small
     */
    void fill(MemorySegment weights, long count, long fanIn, long fanOut, RandomGenerator rng);

    /**
     * The initializer called {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the unknown name and the allowed ones
     */
    static Initializer byName(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "kaiming-normal", "he" -> new KaimingNormal();
            case "kaiming-uniform" -> new KaimingUniform();
            case "xavier-normal", "glorot" -> new XavierNormal();
            case "xavier-uniform" -> new XavierUniform();
            case "none" -> new SmallNormal();
            default -> throw new IllegalArgumentException(
                    "unknown initializer '" + name + "'; allowed: " + String.join(", ", NAMES));
        };
    }
}
