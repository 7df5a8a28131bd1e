package dev.jdnn;

import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.runtime.Threads;
import dev.jdnn.train.Initializer;
import dev.jdnn.train.Loss;
import dev.jdnn.train.Optimizer;
import dev.jdnn.train.OutOfRangeException;
import dev.jdnn.train.TrainingOptions;
import java.util.List;

/**
 * Every parameter of the seed's SimpleCNN, immutable and validated (seed name in brackets). Build one
 * with {@link SimpleCNN#builder()}; each default lives in {@link SimpleCNNBuilder}'s field initializers.
 *
 * <p>The constructor refuses a value outside its range with an {@link OutOfRangeException} naming the parameter
 * (seed name), the value and the range: every entry of in_channels_list and in_features_list, out_channels,
 * out_features, filter_size, stride, dilation, pool_filter_size, pool_stride, batch_size, n_epochs and patience
 * &gt; 0;
 * threads 1 to {@link Threads#MAX}; 0 &lt; valid_size &lt; 1; 0 &lt;= dropout_rate &lt;= 1 (&lt; 1 with dropout
 * on); 0 &lt;= momentum &lt;= 1; once rounded to float32 (the updates compute in float32, see {@link Optimizer}),
 * lambda_ from 0 and learning_rate from {@link Float#MIN_VALUE}, both to {@link Float#MAX_VALUE}.
 * NaN is outside every range; the seed (random_state) may be any long.
 *
 * @param inChannels    [in_channels_list] input channels of each conv block
 * @param inFeatures    [in_features_list] input features of each dense layer
 * @param outChannels   [out_channels] output channels of the last conv layer
 * @param outFeatures   [out_features] outputs of the last dense layer (logits)
 * @param initializer   [initializer] null means the seed's None: 0.01 * standard normal
 * @param dilation      [dilation] spacing of every convolution's filter taps: 1 is none, d spans
 *                      (filter_size - 1) * d + 1 inputs (the seed's "Dilated Convolutions")
 * @param residual      [residual] a shortcut around each conv block's convolution and batch norm: the block computes
 *                      activation(bn(conv(x)) + shortcut(x)), then pools; the shortcut is x itself where the shapes
 *                      match, else a 1x1 convolution with the block's stride (and batch norm when batch_norm is on).
 *                      Needs padding 'same' (or filter_size 1) so that the two branches have the same size
 * @param momentum      [momentum] batch-norm running-average momentum (running = m * running + (1 - m) * batch)
 * @param lambda        [lambda_] L2 strength on weights (not biases, not batch norm)
 * @param threads       OpenMP threads for training and prediction on the calling thread, 1 to {@link Threads#MAX};
 *                      kept as given (a model file keeps it), run on at most {@link Threads#available()}
 * @param progress      show progress (bar per epoch on a terminal, one line per epoch otherwise)
 * @param verbose       also log every mini-batch's loss
 */
public record SimpleCNNConfig(List<Integer> inChannels, List<Integer> inFeatures, int outChannels, int outFeatures,
                              int filterSize, ActivationFunction activation, Optimizer optimizer, Loss loss,
                              Initializer initializer, Padding padding, int stride, int dilation, boolean residual,
                              boolean batchNorm,
                              double momentum, boolean pooling, int poolFilterSize, int poolStride,
                              PoolMode poolMode, boolean dropout, double dropoutRate, int batchSize, int epochs,
                              double learningRate, double validSize, double lambda, boolean earlyStopping,
                              int patience, boolean shuffle, long seed, boolean verbose, int threads,
                              boolean progress) {
    public SimpleCNNConfig {
        inChannels = positiveList("in_channels_list", inChannels);
        inFeatures = positiveList("in_features_list", inFeatures);
        positive("out_channels", outChannels);
        positive("out_features", outFeatures);
        positive("filter_size", filterSize);
        positive("stride", stride);
        positive("dilation", dilation);
        positive("pool_filter_size", poolFilterSize);
        positive("pool_stride", poolStride);
        new TrainingOptions(batchSize, epochs, lambda, earlyStopping, patience, shuffle, progress, verbose);
        if (threads < 1 || threads > Threads.MAX) throw range("threads", threads, "1.." + Threads.MAX);
        require("activation", activation);
        require("optimizer", optimizer);
        require("loss", loss);
        require("padding", padding);
        require("pool_mode", poolMode);
        if (!(validSize > 0 && validSize < 1)) throw range("valid_size", validSize, "0 < valid_size < 1");
        if (!(dropoutRate >= 0 && dropoutRate <= 1)) throw range("dropout_rate", dropoutRate, "0 <= dropout_rate <= 1");
        if (dropout && dropoutRate == 1) throw range("dropout_rate", dropoutRate, "< 1 when dropout is on");
        if (!(momentum >= 0 && momentum <= 1)) throw range("momentum", momentum, "0 <= momentum <= 1");
        if (residual && padding == Padding.VALID && filterSize > 1) {
            // 'valid' shrinks the image by the filter's span, which no strided 1x1 shortcut can follow.
            throw new IllegalArgumentException("residual needs padding 'same' (or filter_size 1): padding 'valid'"
                    + " with filter_size " + filterSize + " shrinks each block's image, and the shortcut cannot");
        }
        optimizer = withLearningRate(optimizer, learningRate);
    }

    /** The loop's part of the parameters. */
    public TrainingOptions trainingOptions() {
        return new TrainingOptions(batchSize, epochs, lambda, earlyStopping, patience, shuffle, progress, verbose);
    }

    /** The optimizer checks the learning rate (one rule however it is given); the message keeps the seed's name. */
    private static Optimizer withLearningRate(Optimizer optimizer, double learningRate) {
        try {
            return optimizer.withLearningRate(learningRate);
        } catch (OutOfRangeException e) {
            throw range("learning_rate", learningRate, e.allowed());
        }
    }

    private static <T> T require(String name, T value) {
        if (value == null) throw new IllegalArgumentException(name + " must be given, got null");
        if (value instanceof List<?> list && list.isEmpty()) {
            throw new IllegalArgumentException(name + " must hold at least one value, got []");
        }
        return value;
    }

    /** An immutable copy of a non-empty list of positive values; entries are named {@code name[index]}. */
    private static List<Integer> positiveList(String name, List<Integer> values) {
        require(name, values);
        for (int i = 0; i < values.size(); i++) {
            Integer value = values.get(i);
            if (value == null) throw new IllegalArgumentException(name + "[" + i + "] must be given, got null");
            positive(name + "[" + i + "]", value);
        }
        return List.copyOf(values);
    }

    private static void positive(String name, long value) {
        if (value <= 0) throw range(name, value, "> 0");
    }

    private static OutOfRangeException range(String name, Object value, String allowed) {
        return new OutOfRangeException(name, value, allowed);
    }
}
