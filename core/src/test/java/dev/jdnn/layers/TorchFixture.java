package dev.jdnn.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A PyTorch reference written by src/test/python/make_layer_fixtures.py: named float32 tensors (shape and
 * row-major data) under "tensors", loaded from the test class path.
 */
final class TorchFixture {
    private final String resource;
    private final JsonNode tensors;

    private TorchFixture(String resource, JsonNode root) {
        this.resource = resource;
        this.tensors = root.path("tensors");
    }

    /** Loads {@code /fixtures/layers/<name>.json}. */
    static TorchFixture load(String name) {
        String resource = "/fixtures/layers/" + name + ".json";
        try (InputStream in = TorchFixture.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            return new TorchFixture(resource, new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    long[] shape(String name) {
        JsonNode shape = tensor(name).path("shape");
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = shape.get(i).asLong();
        return dims;
    }

    float[] data(String name) {
        JsonNode data = tensor(name).path("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) values[i] = (float) data.get(i).asDouble();
        long expected = Arrays.stream(shape(name)).reduce(1, Math::multiplyExact);
        if (values.length != expected) {
            throw new IllegalStateException(resource + ": tensor " + name + " has " + values.length
                    + " values for shape " + Arrays.toString(shape(name)));
        }
        return values;
    }

    private JsonNode tensor(String name) {
        JsonNode node = tensors.get(name);
        if (node == null) throw new IllegalArgumentException(resource + " has no tensor '" + name + "'");
        return node;
    }
}
