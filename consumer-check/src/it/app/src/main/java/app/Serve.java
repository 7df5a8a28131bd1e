package app;

import dev.jdnn.SimpleCNN;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.nio.file.Path;

/**
 * Loads a saved model and predicts a few synthetic images, printing one line per image: its class and its
 * logits. Trains nothing: a service that serves a model trained elsewhere.
 */
public final class Serve {
    public static void main(String[] args) throws Exception {
        int images = Integer.parseInt(args[1]);
        try (SimpleCNN model = SimpleCNN.load(Path.of(args[0]));
             CompiledModel compiled = CompiledModel.of(model, 1);
             Predictor predictor = compiled.newPredictor()) {
            float[] image = new float[compiled.imageSize()];
            float[] logits = new float[compiled.outputSize()];
            for (int i = 0; i < images; i++) {
                for (int j = 0; j < image.length; j++) image[j] = ((i * 31 + j * 7) % 256) / 255f;
                predictor.predict(image, logits);
                StringBuilder line = new StringBuilder("image " + i + " class " + predictor.predictClass(image));
                for (float logit : logits) line.append(' ').append(logit);
                System.out.println(line);
            }
            System.out.println("module " + SimpleCNN.class.getModule().getName());
        }
    }
}
