package dev.jdnn;

import dev.jdnn.io.JsonValue;
import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonBoolean;
import dev.jdnn.io.JsonValue.JsonInteger;
import dev.jdnn.io.JsonValue.JsonNull;
import dev.jdnn.io.JsonValue.JsonNumber;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.train.Initializer;
import dev.jdnn.train.Loss;
import dev.jdnn.train.Optimizer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A {@link SimpleCNNConfig} as JSON, with the seed's parameter names (docs/FORMAT.md). The optimizer, loss and
 * initializer are objects {@code {"name": ..., <hyper-parameter>: ...}}: the name selects the rule and the other
 * keys are its record components in snake case, so a new hyper-parameter needs no code here.
 */
final class ConfigJson {
    private ConfigJson() {}

    static JsonObject write(SimpleCNNConfig c) {
        JsonObject.Builder o = new JsonObject.Builder();
        o.put("in_channels_list", JsonArray.ofLongs(c.inChannels().stream().mapToLong(Integer::longValue).toArray()));
        o.put("in_features_list", JsonArray.ofLongs(c.inFeatures().stream().mapToLong(Integer::longValue).toArray()));
        o.put("out_channels", c.outChannels());
        o.put("out_features", c.outFeatures());
        o.put("filter_size", c.filterSize());
        o.put("activation", c.activation().label());
        o.put("optimizer", rule(c.optimizer().name(), c.optimizer()));
        o.put("loss", rule(c.loss().name(), c.loss()));
        o.put("initializer", c.initializer() == null ? JsonNull.INSTANCE : rule(c.initializer().name(), c.initializer()));
        o.put("padding", c.padding().name().toLowerCase(Locale.ROOT));
        o.put("stride", c.stride());
        o.put("dilation", c.dilation());
        o.put("residual", c.residual());
        o.put("do_batch_norm", c.batchNorm());
        o.put("momentum", c.momentum());
        o.put("do_pooling", c.pooling());
        o.put("pool_filter_size", c.poolFilterSize());
        o.put("pool_stride", c.poolStride());
        o.put("pool_mode", c.poolMode().name().toLowerCase(Locale.ROOT));
        o.put("do_dropout", c.dropout());
        o.put("dropout_rate", c.dropoutRate());
        o.put("batch_size", c.batchSize());
        o.put("n_epochs", c.epochs());
        o.put("learning_rate", c.learningRate());
        o.put("valid_size", c.validSize());
        o.put("lambda_", c.lambda());
        o.put("early_stopping", c.earlyStopping());
        o.put("patience", c.patience());
        o.put("shuffle", c.shuffle());
        o.put("random_state", c.seed());
        o.put("verbose", c.verbose());
        o.put("threads", c.threads());
        o.put("progress", c.progress());
        return o.build();
    }

    /**
     * @throws ModelFormatException naming the key if one is missing or of the wrong type, or the values are out of
     *     range (with SimpleCNNConfig's message)
     */
    static SimpleCNNConfig read(JsonValue value, Path file) throws ModelFormatException {
        if (!(value instanceof JsonObject o)) throw new ModelFormatException(file, "corrupt header: no 'config' object");
        Fields f = new Fields(o, file);
        try {
            return new SimpleCNNConfig(f.ints("in_channels_list"), f.ints("in_features_list"), f.integer("out_channels"),
                    f.integer("out_features"), f.integer("filter_size"), ActivationFunction.parse(f.text("activation")),
                    f.rule("optimizer", name -> Optimizer.byName(name, 1.0), Optimizer.class),
                    f.rule("loss", Loss::byName, Loss.class),
                    o.get("initializer") == JsonNull.INSTANCE ? null : f.rule("initializer", Initializer::byName, Initializer.class),
                    Padding.of(f.text("padding")), f.integer("stride"),
                    o.get("dilation") == null ? 1 : f.integer("dilation"),
                    o.get("residual") != null && f.bool("residual"), f.bool("do_batch_norm"), f.number("momentum"),
                    f.bool("do_pooling"), f.integer("pool_filter_size"), f.integer("pool_stride"),
                    PoolMode.of(f.text("pool_mode")), f.bool("do_dropout"), f.number("dropout_rate"),
                    f.integer("batch_size"), f.integer("n_epochs"), f.number("learning_rate"), f.number("valid_size"),
                    f.number("lambda_"), f.bool("early_stopping"), f.integer("patience"), f.bool("shuffle"),
                    f.longInteger("random_state"), f.bool("verbose"), f.integer("threads"), f.bool("progress"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "invalid config: " + e.getMessage(), e);
        }
    }

    /** {"name": name, component: value...} for a record; only the name for anything else. */
    private static JsonObject rule(String name, Object value) {
        JsonObject.Builder o = new JsonObject.Builder().put("name", name);
        if (value instanceof Record) {
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                String key = snakeCase(component.getName());
                switch (get(component, value)) {
                    case Double d -> o.put(key, d);
                    case Integer i -> o.put(key, i);
                    case Long l -> o.put(key, l);
                    case Boolean b -> o.put(key, b);
                    case Object other -> throw new IllegalStateException(component + " is a " + other.getClass()
                            + "; ConfigJson writes numbers and booleans");
                }
            }
        }
        return o.build();
    }

    private static Object get(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component + " of " + record, e);
        }
    }

    static String snakeCase(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Typed access to the keys of one JSON object, with errors that name the key. */
    private record Fields(JsonObject object, Path file) {
        /** The value of {@code key} if it is a {@code type} that passes {@code ok}. */
        private <T extends JsonValue> T get(String key, Class<T> type, String expected, Predicate<T> ok)
                throws ModelFormatException {
            JsonValue value = object.get(key);
            if (value == null) throw new ModelFormatException(file, "invalid config: '" + key + "' is missing");
            if (!type.isInstance(value) || !ok.test(type.cast(value))) {
                throw new ModelFormatException(file, "invalid config: '" + key + "' must be " + expected + ", got " + value);
            }
            return type.cast(value);
        }

        int integer(String key) throws ModelFormatException {
            return (int) get(key, JsonInteger.class, "a 32-bit integer", JsonInteger::isInt).value();
        }

        long longInteger(String key) throws ModelFormatException {
            return get(key, JsonInteger.class, "a 64-bit integer", any -> true).value();
        }

        double number(String key) throws ModelFormatException {
            return get(key, JsonNumber.class, "a number", any -> true).doubleValue();
        }

        boolean bool(String key) throws ModelFormatException {
            return get(key, JsonBoolean.class, "true or false", any -> true).value();
        }

        String text(String key) throws ModelFormatException {
            return get(key, JsonString.class, "a string", any -> true).value();
        }

        List<Integer> ints(String key) throws ModelFormatException {
            JsonArray array = get(key, JsonArray.class, "an array of 32-bit integers",
                    a -> a.values().stream().allMatch(e -> e instanceof JsonInteger i && i.isInt()));
            List<Integer> values = new ArrayList<>();
            for (JsonValue e : array.values()) values.add((int) ((JsonInteger) e).value());
            return values;
        }

        /**
         * The rule named by key.name, rebuilt with the stored hyper-parameters through its canonical constructor
         * (which validates them).
         */
        <T> T rule(String key, Function<String, T> byName, Class<T> type) throws ModelFormatException {
            JsonObject node = get(key, JsonObject.class, "an object with a \"name\"",
                    o -> o.get("name") instanceof JsonString);
            T named = byName.apply(((JsonString) node.get("name")).value());
            Class<?> rule = named.getClass();
            if (!rule.isRecord() || rule.getRecordComponents().length == 0) return named;
            RecordComponent[] components = rule.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] arguments = new Object[components.length];
            Fields hyper = new Fields(node, file);
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                String name = snakeCase(components[i].getName());
                arguments[i] = switch (types[i].getName()) {
                    case "double" -> hyper.number(name);
                    case "int" -> hyper.integer(name);
                    case "long" -> hyper.longInteger(name);
                    case "boolean" -> hyper.bool(name);
                    default -> throw new IllegalStateException(rule + " has a " + types[i] + " component; ConfigJson reads numbers and booleans");
                };
            }
            try {
                Constructor<?> constructor = rule.getDeclaredConstructor(types);
                return type.cast(constructor.newInstance(arguments));
            } catch (InvocationTargetException e) {
                throw new ModelFormatException(file, "invalid config: " + key + ": " + e.getCause().getMessage(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot rebuild " + rule, e);
            }
        }
    }
}
