package dev.jdnn.bench;

/**
 * What W1's inference figures are measured through: something that turns a batch of images into logits.
 * One caller thread drives it; that thread's OpenMP team size (set by the benchmark before the first call at
 * a batch size) is the thread count the figures are for.
 */
public interface InferenceTarget {
    /** How inference is done, reported as {@code infer_path}, e.g. {@code predictor}. */
    String path();

    /**
     * Computes the logits of the images in {@code images} (NCHW floats, a whole number of images) into
     * {@code logits} (as many rows of class scores).
     *
     * @throws IllegalArgumentException if the arrays do not hold the same whole number of images and rows
     */
    void predict(float[] images, float[] logits);
}
