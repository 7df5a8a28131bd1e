package dev.jdnn.inference;

import dev.jdnn.runtime.ExecArgs;
import dev.jdnn.runtime.Primitive;
import dev.jdnn.runtime.Stream;

/** One primitive with its arguments bound once; running it allocates nothing. */
record BoundStep(Primitive primitive, ExecArgs args, boolean reorder) {
    void run(Stream stream) {
        primitive.execute(stream, args);
    }
}
