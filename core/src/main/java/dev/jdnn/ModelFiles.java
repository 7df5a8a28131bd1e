package dev.jdnn;

import dev.jdnn.data.Preprocessing;
import dev.jdnn.io.JsonValue;
import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonBoolean;
import dev.jdnn.io.JsonValue.JsonInteger;
import dev.jdnn.io.JsonValue.JsonNull;
import dev.jdnn.io.JsonValue.JsonNumber;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import dev.jdnn.io.ModelContents;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.io.ModelReader;
import dev.jdnn.io.ModelWriter;
import dev.jdnn.io.NamedTensor;
import dev.jdnn.io.TensorEntry;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.GraphJson;
import dev.jdnn.layers.NativeLimits;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Parameter;
import dev.jdnn.layers.ParameterSpec;
import dev.jdnn.train.EpochStats;
import dev.jdnn.train.History;
import dev.jdnn.train.TrainingState;
import dev.jdnn.train.Updater;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A SimpleCNN as a model file (docs/FORMAT.md): the header holds the configuration, the input shape, the network's
 * graph, the class names, the preprocessing of images and the history; the tensors are the network's parameters in {@code network.parameters()} order, running
 * statistics included. A checkpoint adds the optimizer's state, the trainer's state and the data fingerprint.
 */
final class ModelFiles {
    static final String ARCHITECTURE = "SimpleCNN";
    static final String MODEL = "model";
    static final String CHECKPOINT = "checkpoint";
    private static final String OPTIMIZER_STATE = "optimizer.state.";
    private static final String BEST_VALUES = "best.values";
    private static final String BEST_STATE = "best.state";

    private ModelFiles() {}

    static void save(Path file, SimpleCNN model) throws IOException {
        ModelWriter.write(file, header(MODEL, model, model.history()).build(), parameters(model.network()));
    }

    static void saveCheckpoint(Path file, SimpleCNN model, History history, TrainingState state, Updater updater,
                               DataFingerprint data) throws IOException {
        JsonObject.Builder dropout = new JsonObject.Builder();
        state.dropoutSteps().forEach((batch, steps) ->
                dropout.put(batch.toString(), JsonArray.ofLongs(steps.stream().mapToLong(Long::longValue).toArray())));
        JsonObject.Builder header = header(CHECKPOINT, model, history).put("training", new JsonObject.Builder()
                .put("optimizer_steps", updater.steps())
                .put("optimizer_state_tensors", updater.state().size())
                .put("dropout_steps", dropout.build())
                .put("data", data.toJson())
                .build());
        List<NamedTensor> tensors = new ArrayList<>(parameters(model.network()));
        List<MemorySegment> buffers = updater.state();
        for (int k = 0; k < buffers.size(); k++) tensors.add(flat(OPTIMIZER_STATE + k, buffers.get(k)));
        if (state.bestValues() != null) {
            tensors.add(flat(BEST_VALUES, state.bestValues()));
            tensors.add(flat(BEST_STATE, state.bestState()));
        }
        ModelWriter.write(file, header.build(), tensors);
    }

    private static JsonObject.Builder header(String kind, SimpleCNN model, History history) {
        String version = SimpleCNN.class.getPackage().getImplementationVersion();
        return new JsonObject.Builder()
                .put("producer", "jdnn " + (version == null ? "(development build)" : version))
                .put("kind", kind)
                .put("architecture", ARCHITECTURE)
                .put("config", ConfigJson.write(model.config()))
                .put("input_shape", JsonArray.ofLongs(model.network().inputShape()))
                .put("graph", GraphJson.write(model.network().graph()))
                .put("class_names", JsonArray.ofStrings(model.classNames()))
                .put("preprocessing", PreprocessingJson.write(model.preprocessing()))
                .put("history", history == null ? JsonNull.INSTANCE : historyJson(history));
    }

    private static List<NamedTensor> parameters(Network network) {
        List<NamedTensor> tensors = new ArrayList<>();
        for (Parameter p : network.parameters().parameters()) {
            tensors.add(new NamedTensor(p.spec().name(), p.spec().dims(), p.value()));
        }
        return tensors;
    }

    private static NamedTensor flat(String name, MemorySegment values) {
        return new NamedTensor(name, new long[] {values.byteSize() / Float.BYTES}, values);
    }

    /**
     * The model or checkpoint that {@link ModelReader} read into {@code contents}, which this closes; a
     * checkpoint's training state is kept for {@link SimpleCNN#resume}.
     *
     * @throws ModelFormatException if the contents do not describe a consistent SimpleCNN
     */
    static SimpleCNN load(ModelContents contents) throws IOException {
        try (contents) {
            Path file = contents.file();
            JsonObject header = contents.header();
            String architecture = text(header.get("architecture"));
            if (!architecture.equals(ARCHITECTURE)) {
                throw new ModelFormatException(file, "holds a '" + architecture + "' model; jdnn loads " + ARCHITECTURE);
            }
            String kind = text(header.get("kind"));
            if (!kind.equals(MODEL) && !kind.equals(CHECKPOINT)) {
                throw new ModelFormatException(file, "kind '" + kind + "' is neither '" + MODEL + "' nor '" + CHECKPOINT + "'");
            }
            SimpleCNNConfig config = ConfigJson.read(header.get("config"), file);
            long[] inputShape = inputShape(header.get("input_shape"), file);
            List<String> classNames = classNames(header.get("class_names"), config.outFeatures(), file);
            History history = history(header.get("history"), file);
            Preprocessing preprocessing = PreprocessingJson.read(header.get("preprocessing"), (int) inputShape[0], file);
            Graph stored = contents.version() == 1 ? null : storedGraph(header, config, inputShape, file);
            Graph seed = seedNetwork(config, inputShape, stored == null, file);
            // A stored graph that the config builds is the seed's network: loaded as such, it keeps its summary's
            // block labels and the config stays the whole description of the model.
            Graph graph = stored == null || stored.equals(seed) ? seed : stored;
            try {
                NativeLimits.requireSupported(graph);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, "the network cannot run: " + e.getMessage(), e);
            }
            // Checked before the network is allocated: the tensors were checked against the file's size, the
            // config and the graph were not, and a few edited digits can make them claim gigabytes of parameters.
            Set<String> known = new HashSet<>();
            for (ParameterSpec spec : graph.parameters()) {
                requireShape(contents, spec.name(), spec.dims(), file);
                known.add(spec.name());
            }
            SimpleCNN model = new SimpleCNN(config, preprocessing, graph == seed ? null : graph);
            try {
                model.rebuild(inputShape);
                Network network = model.network();
                ResumeState resume = kind.equals(CHECKPOINT) ? resumeState(header, contents, network, history,
                        config.batchSize(), known, file) : null;
                for (TensorEntry t : contents.tensors()) {
                    if (!known.contains(t.name())) {
                        throw new ModelFormatException(file, "unexpected tensor '" + t.name() + "' in a " + kind
                                + " of this architecture");
                    }
                }
                for (Parameter p : network.parameters().parameters()) contents.copyTo(p.spec().name(), p.value());
                model.restore(classNames, history, resume);
                return model;
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }

    /**
     * The graph of a version-2 header, which must take the images of 'input_shape' and give out_features outputs.
     */
    private static Graph storedGraph(JsonObject header, SimpleCNNConfig config, long[] inputShape, Path file)
            throws ModelFormatException {
        Graph graph = GraphJson.read(header.get("graph"), file);
        if (!Arrays.equals(graph.inputShape(), inputShape)) {
            throw new ModelFormatException(file, "corrupt graph: it takes inputs of shape "
                    + Arrays.toString(graph.inputShape()) + " but 'input_shape' is " + Arrays.toString(inputShape));
        }
        if (!Arrays.equals(graph.outputShape(), new long[] {config.outFeatures()})) {
            throw new ModelFormatException(file, "corrupt graph: it gives outputs of shape "
                    + Arrays.toString(graph.outputShape()) + " but out_features is " + config.outFeatures());
        }
        return graph;
    }

    /**
     * The seed's network of the config for images of {@code inputShape}; if the config does not build one, null
     * when a stored graph takes its place ({@code required} false), else a ModelFormatException.
     */
    private static Graph seedNetwork(SimpleCNNConfig config, long[] inputShape, boolean required, Path file)
            throws ModelFormatException {
        try {
            return Architecture.build(config, inputShape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            if (!required) return null;
            throw new ModelFormatException(file, "the config does not fit the input shape "
                    + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
        }
    }

    private static void requireShape(ModelContents contents, String name, long[] dims, Path file)
            throws ModelFormatException {
        TensorEntry entry = contents.tensor(name).orElseThrow(() -> new ModelFormatException(file,
                "tensor '" + name + "' " + Arrays.toString(dims) + " of the architecture is missing"));
        if (!Arrays.equals(entry.shape(), dims)) {
            throw new ModelFormatException(file, "tensor '" + name + "' has shape " + Arrays.toString(entry.shape())
                    + " but the architecture needs " + Arrays.toString(dims));
        }
    }

    private static ResumeState resumeState(JsonObject header, ModelContents contents, Network network, History history,
                                           int batchSize, Set<String> known, Path file) throws ModelFormatException {
        if (!(header.get("training") instanceof JsonObject training) || history == null) {
            throw new ModelFormatException(file, "corrupt checkpoint: no 'training' section or no history");
        }
        long steps = nonNegative(training.get("optimizer_steps"), "training.optimizer_steps", file);
        long stateTensors = nonNegative(training.get("optimizer_state_tensors"), "training.optimizer_state_tensors", file);
        long trainable = network.parameters().trainableFloats();
        List<float[]> optimizerState = new ArrayList<>();
        for (int k = 0; k < stateTensors; k++) {
            requireShape(contents, OPTIMIZER_STATE + k, new long[] {trainable}, file);
            known.add(OPTIMIZER_STATE + k);
            optimizerState.add(contents.floats(OPTIMIZER_STATE + k));
        }
        DataFingerprint data = DataFingerprint.fromJson(training.get("data"));
        // Resuming compiles a training plan per batch size named here: only sizes the run can have are accepted.
        int largestBatch = Math.min(batchSize, data.trainCount());
        // One optimizer step per batch of each finished epoch: a larger count (Adam's t) is no run's, and resumed
        // into NaN weights.
        long batchesPerEpoch = largestBatch == 0 ? 0 : (data.trainCount() + largestBatch - 1) / largestBatch;
        long mostSteps = history.epochs().size() * batchesPerEpoch;
        if (steps > mostSteps) {
            throw new ModelFormatException(file, "corrupt checkpoint: 'training.optimizer_steps' is " + steps
                    + ", more than the " + mostSteps + " steps of its " + history.epochs().size() + " epoch(s) of "
                    + batchesPerEpoch + " batches (" + data.trainCount() + " images, batch size " + largestBatch + ")");
        }
        Map<Integer, List<Long>> dropout = new TreeMap<>();
        Map<String, JsonValue> dropoutSteps = training.get("dropout_steps") instanceof JsonObject o ? o.members() : Map.of();
        for (Map.Entry<String, JsonValue> entry : dropoutSteps.entrySet()) {
            List<Long> counters = new ArrayList<>();
            List<JsonValue> stepValues = entry.getValue() instanceof JsonArray array ? array.values() : List.of();
            for (JsonValue step : stepValues) counters.add(nonNegative(step, "training.dropout_steps", file));
            int batch;
            try {
                batch = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                batch = -1;
            }
            if (batch < 1 || batch > largestBatch) {
                throw new ModelFormatException(file, "corrupt checkpoint: dropout_steps key '" + entry.getKey()
                        + "' is not a batch size of this run (1.." + largestBatch + ")");
            }
            dropout.put(batch, counters);
        }
        MemorySegment bestValues = null;
        MemorySegment bestState = null;
        if (contents.tensor(BEST_VALUES).isPresent()) {
            requireShape(contents, BEST_VALUES, new long[] {trainable}, file);
            requireShape(contents, BEST_STATE, new long[] {network.parameters().state().byteSize() / Float.BYTES}, file);
            known.add(BEST_VALUES);
            known.add(BEST_STATE);
            bestValues = MemorySegment.ofArray(contents.floats(BEST_VALUES));
            bestState = MemorySegment.ofArray(contents.floats(BEST_STATE));
        }
        return new ResumeState(new TrainingState(history.epochs(), dropout, bestValues, bestState), steps,
                optimizerState, data);
    }

    /** The string {@code node} holds, or "" if it is not a string. */
    private static String text(JsonValue node) {
        return node instanceof JsonString(String value) ? value : "";
    }

    private static long nonNegative(JsonValue node, String key, Path file) throws ModelFormatException {
        if (!(node instanceof JsonInteger(long value)) || value < 0) {
            throw new ModelFormatException(file, "corrupt checkpoint: '" + key + "' must be an integer >= 0, got " + node);
        }
        return value;
    }

    private static long[] inputShape(JsonValue node, Path file) throws ModelFormatException {
        if (!(node instanceof JsonArray array) || array.values().size() != 3) {
            throw new ModelFormatException(file, "corrupt header: 'input_shape' must be [channels, height, width], got " + node);
        }
        long[] shape = new long[3];
        for (int i = 0; i < 3; i++) {
            if (!(array.values().get(i) instanceof JsonInteger d) || !d.isInt() || d.value() < 1) {
                throw new ModelFormatException(file, "corrupt header: 'input_shape' must hold three integers >= 1, got " + node);
            }
            shape[i] = d.value();
        }
        return shape;
    }

    private static List<String> classNames(JsonValue node, int outFeatures, Path file) throws ModelFormatException {
        List<String> names = new ArrayList<>();
        List<JsonValue> values = node instanceof JsonArray array ? array.values() : List.of();
        for (JsonValue n : values) if (n instanceof JsonString(String name)) names.add(name);
        if (!(node instanceof JsonArray) || names.size() != values.size() || names.isEmpty()
                || names.size() > outFeatures || new HashSet<>(names).size() != names.size()) {
            throw new ModelFormatException(file, "corrupt header: 'class_names' must be 1 to " + outFeatures
                    + " distinct strings (out_features), got " + node);
        }
        return names;
    }

    private static JsonObject historyJson(History history) {
        List<JsonValue> epochs = new ArrayList<>();
        for (EpochStats e : history.epochs()) {
            epochs.add(new JsonObject.Builder().put("epoch", e.epoch())
                    .put("train_loss", number(e.trainLoss()))
                    .put("valid_loss", number(e.validLoss()))
                    .put("valid_accuracy", number(e.validAccuracy()))
                    .put("seconds", number(e.seconds()))
                    .put("images_per_second", number(e.imagesPerSecond()))
                    .build());
        }
        return new JsonObject.Builder().put("epochs", new JsonArray(epochs)).put("best_epoch", history.bestEpoch())
                .put("stopped_early", history.stoppedEarly()).build();
    }

    /** The history of a fit: epochs 1, 2, ... in order (a fit runs at least one). */
    private static History history(JsonValue node, Path file) throws ModelFormatException {
        if (node == null || node == JsonNull.INSTANCE) return null;
        try {
            if (!(node instanceof JsonObject history)) throw new IllegalArgumentException("not an object: " + node);
            List<EpochStats> epochs = new ArrayList<>();
            List<JsonValue> rows = history.get("epochs") instanceof JsonArray array ? array.values() : List.of();
            for (JsonValue value : rows) {
                int number = epochs.size() + 1;
                if (!(value instanceof JsonObject e && e.get("epoch") instanceof JsonInteger epoch
                        && epoch.value() == number)) {
                    throw new IllegalArgumentException("epoch " + number + " is numbered "
                            + (value instanceof JsonObject row ? row.get("epoch") : value));
                }
                epochs.add(new EpochStats(number, number(e, "train_loss"), number(e, "valid_loss"),
                        number(e, "valid_accuracy"), number(e, "seconds"), number(e, "images_per_second")));
            }
            if (epochs.isEmpty()) throw new IllegalArgumentException("no epochs");
            int bestEpoch = history.get("best_epoch") instanceof JsonInteger best && best.isInt() ? (int) best.value() : -1;
            return History.of(epochs, bestEpoch, history.get("stopped_early") == JsonBoolean.TRUE);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "corrupt history: " + e.getMessage(), e);
        }
    }

    /** JSON has no NaN or infinities: those are stored as the strings Java prints for them. */
    private static JsonValue number(double value) {
        return Double.isFinite(value) ? new JsonValue.JsonDecimal(value) : new JsonString(Double.toString(value));
    }

    private static double number(JsonObject row, String key) {
        JsonValue value = row.get(key);
        if (value instanceof JsonNumber n) return n.doubleValue();
        if (value instanceof JsonString(String text)) {
            double parsed = Double.parseDouble(text);
            if (!Double.isFinite(parsed)) return parsed;
        }
        throw new IllegalArgumentException("'" + key + "' must be a number, NaN or an infinity, got " + value);
    }
}
