package dev.jdnn.spark;

import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.Preprocessing;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The kinds of image column {@link SparkPredictor} and {@link SparkTrainer} read, each made into one model input of
 * C x H x W floats: encoded images, Spark's image structs (prepared as the model's stored
 * {@link dev.jdnn.data.Preprocessing} says, as {@code Predictor.predictImage} prepares them) and arrays of floats or
 * doubles, taken as already prepared inputs.
 */
enum ImageInput {
    /** PNG, JPEG or BMP bytes: a {@code binary} column, as {@code spark.read.format("binaryFile")} gives it. */
    ENCODED {
        @Override
        void read(Object value, Preprocessing preprocessing, long[] shape, float[] into, int offset)
                throws DataFormatException {
            float[] input = preprocessing.apply((byte[]) value, (int) shape[0], (int) shape[1], (int) shape[2]);
            System.arraycopy(input, 0, into, offset, input.length);
        }
    },
    /**
     * Spark's image struct ({@code spark.read.format("image")}, {@code org.apache.spark.ml.image.ImageSchema}): rows of
     * 8-bit samples in OpenCV's order, gray, BGR or BGRA.
     */
    IMAGE_STRUCT {
        @Override
        void read(Object value, Preprocessing preprocessing, long[] shape, float[] into, int offset) {
            float[] input = preprocessing.apply(SparkImages.toBufferedImage((Row) value), (int) shape[0],
                    (int) shape[1], (int) shape[2]);
            System.arraycopy(input, 0, into, offset, input.length);
        }
    },
    /** Prepared inputs: {@code array<float>} of C x H x W values, channel by channel, row by row. */
    FLOATS {
        @Override
        void read(Object value, Preprocessing preprocessing, long[] shape, float[] into, int offset) {
            if (value instanceof float[] floats) { // an array without nulls, through RowEncoders
                requireSize(floats.length, shape);
                System.arraycopy(floats, 0, into, offset, floats.length);
                return;
            }
            Object[] values = elements(value, shape);
            for (int i = 0; i < values.length; i++) into[offset + i] = (Float) values[i];
        }
    },
    /** Prepared inputs as {@code array<double>}, rounded to float. */
    DOUBLES {
        @Override
        void read(Object value, Preprocessing preprocessing, long[] shape, float[] into, int offset) {
            Object[] values = elements(value, shape);
            for (int i = 0; i < values.length; i++) into[offset + i] = ((Double) values[i]).floatValue();
        }
    };

    /** The fields {@link #IMAGE_STRUCT} reads, by name (Spark's image struct also has {@code origin}). */
    private static final Set<String> IMAGE_FIELDS = Set.of("height", "width", "nChannels", "mode", "data");

    /**
     * Writes one image's model input, of {@code shape} (channels, height, width), into {@code into} from
     * {@code offset}; images are prepared as {@code preprocessing} says.
     *
     * @throws DataFormatException if encoded bytes are not an image jdnn decodes
     * @throws IllegalArgumentException if the value does not fit the shape (its size, its channels)
     */
    abstract void read(Object value, Preprocessing preprocessing, long[] shape, float[] into, int offset)
            throws DataFormatException;

    /**
     * The kind of {@code field}'s values.
     *
     * @throws IllegalArgumentException naming the column, its type and the types allowed if it is none of them
     */
    static ImageInput of(StructField field) {
        DataType type = field.dataType();
        if (type.equals(DataTypes.BinaryType)) return ENCODED;
        if (type instanceof ArrayType array && array.elementType().equals(DataTypes.FloatType)) return FLOATS;
        if (type instanceof ArrayType array && array.elementType().equals(DataTypes.DoubleType)) return DOUBLES;
        if (type instanceof StructType struct && Set.of(struct.fieldNames()).containsAll(IMAGE_FIELDS)) return IMAGE_STRUCT;
        throw new IllegalArgumentException("the column '" + field.name() + "' is of type " + type.simpleString()
                + "; allowed: binary (encoded PNG, JPEG or BMP images, as the binaryFile source gives them), Spark's"
                + " image struct (height, width, nChannels, mode, data, as the image source gives it), array<float>"
                + " or array<double> (prepared model inputs)");
    }

    /**
     * The elements of an array value, as Spark hands it over: a Scala sequence over an array of boxed values (read
     * in place), or another sequence or list.
     */
    private static Object[] elements(Object value, long[] shape) {
        Object[] values = value instanceof scala.collection.mutable.ArraySeq.ofRef<?> boxed ? boxed.array()
                : value instanceof scala.collection.Seq<?> seq ? CollectionConverters.asJava(seq).toArray()
                : ((List<?>) value).toArray();
        requireSize(values.length, shape);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) throw new IllegalArgumentException("element " + i + " of an input array is null");
        }
        return values;
    }

    private static void requireSize(int size, long[] shape) {
        long expected = shape[0] * shape[1] * shape[2];
        if (size != expected) {
            throw new IllegalArgumentException("an input array holds " + size + " values; the model takes " + expected
                    + " (" + shape[0] + " x " + shape[1] + " x " + shape[2] + ")");
        }
    }
}
