package dev.jdnn.bench;

/**
 * W1's {@code cold_start_ms}: the time from JVM start to the first prediction of a model loaded from a file,
 * measured in a child JVM so that the native library is already extracted but nothing else is warm.
 * jdnn cannot write or read model files yet, so the figure is reported as not measured, with the reason.
 */
public final class ColdStart {
    /** The figure in milliseconds (null when not measured) and a note saying how, or why not. */
    public record Result(Double millis, String note) {}

    private ColdStart() {}

    public static Result measure() {
        return new Result(null, "cold_start_ms not measured: model files not yet available (SimpleCNN has no"
                + " save/load)");
    }
}
