package dev.jdnn.inference;

/** The arithmetic a {@link CompiledModel} computes in. Inputs and outputs are float32 either way. */
public enum Precision {
    /** float32 throughout: the same results as the model's own predictions, up to rounding. */
    F32,
    /**
     * bfloat16 weights and activations inside (8 bits of mantissa), float32 at the edges: faster on CPUs
     * with native bf16 instructions, at the cost of about two to three significant digits in the logits.
     */
    BF16
}
