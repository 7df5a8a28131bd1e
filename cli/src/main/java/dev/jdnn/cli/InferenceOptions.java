package dev.jdnn.cli;

import dev.jdnn.inference.Precision;
import dev.jdnn.runtime.OneDnn;
import dev.jdnn.runtime.Threads;
import java.util.Locale;

/** The values of {@code --precision} and {@code --threads} that run and bench model share, checked once. */
final class InferenceOptions {
    private InferenceOptions() {}

    /**
     * f32 or bf16 (any case).
     *
     * @throws IllegalArgumentException for another value, or bf16 on a CPU without native bf16 arithmetic
     */
    static Precision precision(String value) {
        Precision precision = switch (value.toLowerCase(Locale.ROOT)) {
            case "f32" -> Precision.F32;
            case "bf16" -> Precision.BF16;
            default -> throw new IllegalArgumentException("--precision '" + value + "' is not one of f32, bf16");
        };
        // Refused here as bad usage rather than later as CompiledModel's UnsupportedOperationException.
        if (precision == Precision.BF16 && !OneDnn.supportsBf16()) {
            throw new IllegalArgumentException("--precision bf16 needs a CPU with native bf16 arithmetic"
                    + " (avx512_core_bf16 or AMX); oneDNN dispatches to " + OneDnn.isa() + " here: use f32");
        }
        return precision;
    }

    /**
     * {@code threads}, or all cores for 0.
     *
     * @throws IllegalArgumentException unless 0 &lt;= threads &lt;= {@link Threads#MAX}
     */
    static int threads(int threads) {
        if (threads < 0 || threads > Threads.MAX) {
            throw new IllegalArgumentException("--threads " + threads + " is out of range; allowed: 1.." + Threads.MAX
                    + ", or 0 for all cores");
        }
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
