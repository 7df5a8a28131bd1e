package dev.jdnn;

import dev.jdnn.layers.Parameter;
import dev.jdnn.train.Initializer;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Initial values by parameter kind: weights from the initializer with their fan-in and fan-out
 * (in x kh x kw and out x kh x kw for convolutions), biases, shifts and running means 0, batch-norm
 * scales and running variances 1.
 */
final class ParameterInit {
    private ParameterInit() {}

    static void apply(List<Parameter> parameters, Initializer initializer, RandomGenerator random) {
        for (Parameter p : parameters) {
            long[] dims = p.spec().dims();
            long count = p.spec().elementCount();
            switch (p.spec().kind()) {
                case WEIGHT -> {
                    long receptive = count / (dims[0] * dims[1]);
                    initializer.fill(p.value(), count, dims[1] * receptive, dims[0] * receptive, random);
                }
                case SCALE, RUNNING_VARIANCE -> p.value().elements(ValueLayout.JAVA_FLOAT)
                        .forEach(s -> s.set(ValueLayout.JAVA_FLOAT, 0, 1f));
                case BIAS, SHIFT, RUNNING_MEAN -> p.value().fill((byte) 0);
            }
        }
    }
}
