package dev.jdnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.io.ModelContents;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.io.ModelReader;
import dev.jdnn.io.ModelWriter;
import dev.jdnn.io.NamedTensor;
import dev.jdnn.io.TensorEntry;
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
 * A SimpleCNN as a model file (docs/FORMAT.md): the header holds the configuration, the input shape, the class
 * names and the history; the tensors are the network's parameters in {@code network.parameters()} order, running
 * statistics included. A checkpoint adds the optimizer's state, the trainer's state and the data fingerprint.
 */
final class ModelFiles {
    static final String ARCHITECTURE = "SimpleCNN";
    static final String MODEL = "model";
    static final String CHECKPOINT = "checkpoint";
    private static final String OPTIMIZER_STATE = "optimizer.state.";
    private static final String BEST_VALUES = "best.values";
    private static final String BEST_STATE = "best.state";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ModelFiles() {}

    static void save(Path file, SimpleCNN model) throws IOException {
        ModelWriter.write(file, header(MODEL, model, model.history()).toString(), parameters(model.network()));
    }

    static void saveCheckpoint(Path file, SimpleCNN model, History history, TrainingState state, Updater updater,
                               DataFingerprint data) throws IOException {
        ObjectNode header = header(CHECKPOINT, model, history);
        ObjectNode training = header.putObject("training");
        training.put("optimizer_steps", updater.steps());
        training.put("optimizer_state_tensors", updater.state().size());
        ObjectNode dropout = training.putObject("dropout_steps");
        state.dropoutSteps().forEach((batch, steps) -> steps.forEach(dropout.putArray(batch.toString())::add));
        training.set("data", data.toJson());
        List<NamedTensor> tensors = new ArrayList<>(parameters(model.network()));
        List<MemorySegment> buffers = updater.state();
        for (int k = 0; k < buffers.size(); k++) tensors.add(flat(OPTIMIZER_STATE + k, buffers.get(k)));
        if (state.bestValues() != null) {
            tensors.add(flat(BEST_VALUES, state.bestValues()));
            tensors.add(flat(BEST_STATE, state.bestState()));
        }
        ModelWriter.write(file, header.toString(), tensors);
    }

    private static ObjectNode header(String kind, SimpleCNN model, History history) {
        ObjectNode header = NODES.objectNode();
        String version = SimpleCNN.class.getPackage().getImplementationVersion();
        header.put("producer", "jdnn " + (version == null ? "(development build)" : version));
        header.put("kind", kind);
        header.put("architecture", ARCHITECTURE);
        header.set("config", ConfigJson.write(model.config()));
        ArrayNode shape = header.putArray("input_shape");
        for (long d : model.network().inputShape()) shape.add(d);
        model.classNames().forEach(header.putArray("class_names")::add);
        header.set("history", history == null ? NODES.nullNode() : historyJson(history));
        return header;
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
     * Reads a model or checkpoint file; a checkpoint's training state is kept for {@link SimpleCNN#resume}.
     *
     * @throws ModelFormatException if the file is damaged or does not describe a consistent SimpleCNN
     */
    static SimpleCNN load(Path file) throws IOException {
        try (ModelContents contents = ModelReader.read(file)) {
            JsonNode header = contents.header();
            String architecture = header.path("architecture").asText("");
            if (!architecture.equals(ARCHITECTURE)) {
                throw new ModelFormatException(file, "holds a '" + architecture + "' model; jdnn loads " + ARCHITECTURE);
            }
            String kind = header.path("kind").asText("");
            if (!kind.equals(MODEL) && !kind.equals(CHECKPOINT)) {
                throw new ModelFormatException(file, "kind '" + kind + "' is neither '" + MODEL + "' nor '" + CHECKPOINT + "'");
            }
            SimpleCNNConfig config = ConfigJson.read(header.get("config"), file);
            long[] inputShape = inputShape(header.get("input_shape"), file);
            List<String> classNames = classNames(header.get("class_names"), config.outFeatures(), file);
            History history = history(header.get("history"), file);
            List<ParameterSpec> specs;
            try {
                specs = Architecture.build(config, inputShape).parameters(inputShape);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, "the config does not fit the input shape "
                        + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
            }
            // Checked before the network is allocated: the tensors were checked against the file's size, the
            // config was not, and a few edited digits can make it claim gigabytes of parameters.
            Set<String> known = new HashSet<>();
            for (ParameterSpec spec : specs) {
                requireShape(contents, spec.name(), spec.dims(), file);
                known.add(spec.name());
            }
            SimpleCNN model = new SimpleCNN(config);
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

    private static void requireShape(ModelContents contents, String name, long[] dims, Path file)
            throws ModelFormatException {
        TensorEntry entry = contents.tensor(name).orElseThrow(() -> new ModelFormatException(file,
                "tensor '" + name + "' " + Arrays.toString(dims) + " of the architecture is missing"));
        if (!Arrays.equals(entry.shape(), dims)) {
            throw new ModelFormatException(file, "tensor '" + name + "' has shape " + Arrays.toString(entry.shape())
                    + " but the architecture needs " + Arrays.toString(dims));
        }
    }

    private static ResumeState resumeState(JsonNode header, ModelContents contents, Network network, History history,
                                           int batchSize, Set<String> known, Path file) throws ModelFormatException {
        JsonNode training = header.get("training");
        if (training == null || !training.isObject() || history == null) {
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
        DataFingerprint data = DataFingerprint.fromJson(training.path("data"));
        // Resuming compiles a training plan per batch size named here: only sizes the run can have are accepted.
        int largestBatch = Math.min(batchSize, data.trainCount());
        Map<Integer, List<Long>> dropout = new TreeMap<>();
        JsonNode dropoutNode = training.path("dropout_steps");
        for (Map.Entry<String, JsonNode> entry : dropoutNode.properties()) {
            List<Long> counters = new ArrayList<>();
            for (JsonNode step : entry.getValue()) counters.add(nonNegative(step, "training.dropout_steps", file));
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

    private static long nonNegative(JsonNode node, String key, Path file) throws ModelFormatException {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new ModelFormatException(file, "corrupt checkpoint: '" + key + "' must be an integer >= 0, got " + node);
        }
        return node.longValue();
    }

    private static long[] inputShape(JsonNode node, Path file) throws ModelFormatException {
        if (node == null || !node.isArray() || node.size() != 3) {
            throw new ModelFormatException(file, "corrupt header: 'input_shape' must be [channels, height, width], got " + node);
        }
        long[] shape = new long[3];
        for (int i = 0; i < 3; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 1) {
                throw new ModelFormatException(file, "corrupt header: 'input_shape' must hold three integers >= 1, got " + node);
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    private static List<String> classNames(JsonNode node, int outFeatures, Path file) throws ModelFormatException {
        List<String> names = new ArrayList<>();
        if (node != null && node.isArray()) for (JsonNode n : node) if (n.isTextual()) names.add(n.textValue());
        if (node == null || !node.isArray() || names.size() != node.size() || names.isEmpty()
                || names.size() > outFeatures || new HashSet<>(names).size() != names.size()) {
            throw new ModelFormatException(file, "corrupt header: 'class_names' must be 1 to " + outFeatures
                    + " distinct strings (out_features), got " + node);
        }
        return names;
    }

    private static ObjectNode historyJson(History history) {
        ObjectNode o = NODES.objectNode();
        ArrayNode epochs = o.putArray("epochs");
        for (EpochStats e : history.epochs()) {
            ObjectNode row = epochs.addObject().put("epoch", e.epoch());
            row.set("train_loss", number(e.trainLoss()));
            row.set("valid_loss", number(e.validLoss()));
            row.set("valid_accuracy", number(e.validAccuracy()));
            row.set("seconds", number(e.seconds()));
            row.set("images_per_second", number(e.imagesPerSecond()));
        }
        o.put("best_epoch", history.bestEpoch());
        o.put("stopped_early", history.stoppedEarly());
        return o;
    }

    /** The history of a fit: epochs 1, 2, ... in order (a fit runs at least one). */
    private static History history(JsonNode node, Path file) throws ModelFormatException {
        if (node == null || node.isNull()) return null;
        try {
            List<EpochStats> epochs = new ArrayList<>();
            for (JsonNode e : node.path("epochs")) {
                if (e.path("epoch").intValue() != epochs.size() + 1) {
                    throw new IllegalArgumentException("epoch " + (epochs.size() + 1) + " is numbered " + e.path("epoch"));
                }
                epochs.add(new EpochStats(e.path("epoch").intValue(), number(e, "train_loss"), number(e, "valid_loss"),
                        number(e, "valid_accuracy"), number(e, "seconds"), number(e, "images_per_second")));
            }
            if (epochs.isEmpty()) throw new IllegalArgumentException("no epochs");
            return History.of(epochs, node.path("best_epoch").asInt(-1), node.path("stopped_early").asBoolean());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "corrupt history: " + e.getMessage(), e);
        }
    }

    /** JSON has no NaN or infinities: those are stored as the strings Java prints for them. */
    private static JsonNode number(double value) {
        return Double.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(Double.toString(value));
    }

    private static double number(JsonNode row, String key) {
        JsonNode value = row.get(key);
        if (value != null && value.isNumber()) return value.doubleValue();
        if (value != null && value.isTextual()) {
            double parsed = Double.parseDouble(value.textValue());
            if (!Double.isFinite(parsed)) return parsed;
        }
        throw new IllegalArgumentException("'" + key + "' must be a number, NaN or an infinity, got " + value);
    }
}
