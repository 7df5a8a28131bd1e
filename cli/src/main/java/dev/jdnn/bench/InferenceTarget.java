package dev.jdnn.bench;

/**
 * What inference figures are measured through: something that turns a batch of images into logits on a given
 * number of threads. One caller thread drives it.
 */
public interface InferenceTarget {
    /** How inference is done, reported as {@code infer_path}, e.g. {@code predictor}. */
    String path();

    /** Outputs per image: the number of logits (classes). */
    int outputSize();

    /**
     * Computes the logits of the images in {@code images} (NCHW floats, a whole number of images) into
     * {@code logits} (as many rows of class scores), using {@code threads} threads.
     *
     * @throws IllegalArgumentException if the arrays do not hold the same whole number of images and rows
     */
    void predict(int threads, float[] images, float[] logits);
}
