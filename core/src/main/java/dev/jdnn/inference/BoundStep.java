package dev.jdnn.inference;

import dev.jdnn.runtime.ExecArgs;
import dev.jdnn.runtime.Primitive;
import dev.jdnn.runtime.Stream;

/** One primitive with its arguments bound once; running it allocates nothing. */
record BoundStep(Kind kind, Primitive primitive, ExecArgs args) {
    /** What a step computes. */
    enum Kind { CONVOLUTION, DENSE, POOL, SOFTMAX, ELTWISE, BINARY, CONCAT, REORDER }

    void run(Stream stream) {
        primitive.execute(stream, args);
    }
}
