package dev.jdnn.layers;

/** Whether a plan trains (batch statistics, dropout, backward buffers) or only infers. */
public enum Mode {
    TRAINING,
    INFERENCE
}
