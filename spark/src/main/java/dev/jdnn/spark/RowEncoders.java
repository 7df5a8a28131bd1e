package dev.jdnn.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.catalyst.encoders.RowEncoder;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Row encoders that hand {@code array<float>} columns without nulls over as {@code float[]}. Spark's own row encoder
 * ({@code Encoders.row}) gives an array column as a Scala sequence of boxed values, built element by element: for an
 * image of 784 floats that costs more than predicting it. These encoders are Spark's, with only such columns'
 * element encoder replaced by the primitive one Spark uses for {@code float[]} in typed datasets (Spark's
 * {@code AgnosticEncoders}, the encoders {@code Encoders.row} is made of).
 */
final class RowEncoders {
    private RowEncoders() {}

    /** Spark's row encoder of {@code schema}, with top-level {@code array<float>} columns without nulls as float[]. */
    static Encoder<Row> withFloatArrays(StructType schema) {
        AgnosticEncoders.RowEncoder rows = (AgnosticEncoders.RowEncoder) RowEncoder.encoderFor(schema);
        List<AgnosticEncoders.EncoderField> fields = new ArrayList<>();
        for (AgnosticEncoders.EncoderField field : CollectionConverters.asJava(rows.fields())) {
            if (isFloatArray(field.enc().dataType())) {
                field = new AgnosticEncoders.EncoderField(field.name(),
                        new AgnosticEncoders.ArrayEncoder<>(AgnosticEncoders.PrimitiveFloatEncoder$.MODULE$, false),
                        field.nullable(), field.metadata(), field.readMethod(), field.writeMethod());
            }
            fields.add(field);
        }
        return new AgnosticEncoders.RowEncoder(CollectionConverters.asScala(fields).toSeq());
    }

    static boolean isFloatArray(org.apache.spark.sql.types.DataType type) {
        return type instanceof ArrayType array && array.elementType().equals(DataTypes.FloatType)
                && !array.containsNull();
    }
}
