package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.io.JacksonTrees;
import dev.jdnn.io.JsonValue;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.train.AdaDelta;
import dev.jdnn.train.AdaGrad;
import dev.jdnn.train.AdaMax;
import dev.jdnn.train.Adam;
import dev.jdnn.train.AdamW;
import dev.jdnn.train.Momentum;
import dev.jdnn.train.NAdam;
import dev.jdnn.train.Optimizer;
import dev.jdnn.train.RmsProp;
import dev.jdnn.train.Sgd;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration's JSON: every parameter and every rule's hyper-parameters survive a round trip through text. */
class ConfigJsonTest {
    private static final Path FILE = Path.of("test.jdnn");

    private static SimpleCNNConfig roundTrip(SimpleCNNConfig config) throws Exception {
        String text = ConfigJson.write(config).toString();
        return ConfigJson.read(JacksonTrees.fromJackson(JacksonTrees.parse(text)), FILE);
    }

    @Test
    void everyOptimizerWithNonDefaultHyperParametersRoundTrips() throws Exception {
        List<Optimizer> optimizers = List.of(new Sgd(0.1), new Momentum(0.1, 0.7), new RmsProp(0.1, 0.95, 1e-6),
                new Adam(0.1, 0.8, 0.99, 1e-7), new AdaGrad(0.1, 1e-9), new AdaDelta(0.1, 0.85, 1e-5),
                new AdaMax(0.1, 0.85, 0.995, 1e-6), new AdamW(0.1, 0.85, 0.995, 1e-6, 0.05),
                new NAdam(0.1, 0.85, 0.995, 1e-6, 0.003));
        assertEquals(Optimizer.NAMES.size(), optimizers.size(), "a new optimizer needs a line here");
        for (Optimizer optimizer : optimizers) {
            SimpleCNNConfig config = SimpleCNN.builder().optimizer(optimizer).learningRate(0.1).build().config();
            assertEquals(config, roundTrip(config), optimizer.toString());
        }
    }

    @Test
    void everyOtherParameterRoundTrips() throws Exception {
        SimpleCNNConfig config = SimpleCNN.builder().inChannels(List.of(3, 8, 16)).inFeatures(List.of(64, 32, 16))
                .outChannels(4).outFeatures(5).filterSize(5).activation("leaky-relu").loss("mse")
                .initializer("xavier-uniform").padding("valid").stride(2).batchNorm(false).momentum(0.8)
                .pooling(false).poolFilterSize(3).poolStride(3).poolMode("avg").dropout(false).dropoutRate(0.25)
                .batchSize(7).epochs(9).learningRate(0.0123456789).validSize(0.3).lambda(1e-4).earlyStopping(true)
                .patience(4).shuffle(false).seed(-1234567890123L).verbose(true).threads(3).progress(false)
                .build().config();
        assertEquals(config, roundTrip(config));
        SimpleCNNConfig defaults = SimpleCNN.builder().build().config();
        assertEquals(null, defaults.initializer());
        assertEquals(defaults, roundTrip(defaults));
    }

    @Test
    void everyActivationRoundTripsByItsLabel() throws Exception {
        for (ActivationFunction f : ActivationFunction.values()) {
            SimpleCNNConfig config = SimpleCNN.builder().activation(f).build().config();
            String text = ConfigJson.write(config).toString();
            assertTrue(text.contains("\"activation\":\"" + f.label() + "\""), text);
            assertEquals(config, roundTrip(config), f.label());
        }
        SimpleCNNConfig silu = SimpleCNN.builder().activation("silu").build().config();
        assertEquals(ActivationFunction.SWISH, roundTrip(silu).activation(), "silu is saved as swish");
    }

    @Test
    void aMissingKeyOrAnUnknownRuleIsNamed() throws Exception {
        ObjectNode json = JacksonTrees.edit(ConfigJson.write(SimpleCNN.builder().build().config()));
        json.remove("pool_stride");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(value(json), FILE));
        assertEquals("test.jdnn: invalid config: 'pool_stride' is missing", e.getMessage());
        ObjectNode other = JacksonTrees.edit(ConfigJson.write(SimpleCNN.builder().build().config()));
        ((ObjectNode) other.get("optimizer")).put("name", "lion");
        e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(value(other), FILE));
        assertTrue(e.getMessage().contains("unknown optimizer 'lion'"), e.getMessage());
        ObjectNode beta = JacksonTrees.edit(ConfigJson.write(SimpleCNN.builder().build().config()));
        ((ObjectNode) beta.get("optimizer")).put("beta1", 1.5);
        e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(value(beta), FILE));
        assertTrue(e.getMessage().contains("invalid config: optimizer: ") && e.getMessage().contains("beta1"), e.getMessage());
    }

    private static JsonValue value(ObjectNode json) {
        return JacksonTrees.fromJackson(json);
    }
}
