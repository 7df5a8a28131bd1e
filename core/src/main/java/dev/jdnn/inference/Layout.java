package dev.jdnn.inference;

import dev.jdnn.runtime.FormatTag;

/**
 * How a compiled plan lays out the activations between layers. Inference always reads the user's plain
 * NCHW images and writes plain logits; inside, convolutions may keep channels last or in blocks of 16.
 */
enum Layout {
    /** Each convolution picks its preferred layout (format any); reorders only where two disagree. */
    ANY(FormatTag.ANY),
    /** Channels last (nhwc) for every convolution. */
    NHWC(FormatTag.NHWC),
    /** Channels in blocks of 16 (nChw16c) for every convolution. */
    BLOCKED(FormatTag.NCHW16C);

    private final FormatTag activations;

    Layout(FormatTag activations) {
        this.activations = activations;
    }

    /** The tag a convolution's source and destination are described with. */
    FormatTag activations() {
        return activations;
    }
}
