package dev.jdnn.cli;

import java.io.IOException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a {@code bin/jdnn spark} command, and how its failures become the command line's. */
final class SparkSessions {
    /** The master unless --master or spark-submit names one: every core of this machine. */
    static final String DEFAULT_MASTER = "local[*]";

    private SparkSessions() {}

    /**
     * A session of {@code master}, or of spark-submit's master when it launched this JVM (it sets spark.master), or
     * {@value #DEFAULT_MASTER}. Spark's own log is cut to warnings: the command prints its results.
     */
    static SparkSession start(String appName, String master) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null) builder.master(master);
        else if (!new SparkConf().contains("spark.master")) builder.master(DEFAULT_MASTER);
        SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /**
     * Runs {@code job}, reporting bad input found by Spark (a path it cannot read, a task that met an image it
     * cannot decode or that does not fit the model) as the IllegalArgumentException or IOException it is: exit
     * status 2 with one line, not an internal failure.
     */
    static <T> T inputErrors(SparkCall<T> job) throws Exception {
        try {
            return job.call();
        } catch (AnalysisException e) {
            throw new IllegalArgumentException(e.getSimpleMessage(), e);
        } catch (SparkException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof IllegalArgumentException || cause instanceof IOException) {
                    throw new IllegalArgumentException(cause.getMessage(), e);
                }
            }
            throw e;
        }
    }

    @FunctionalInterface
    interface SparkCall<T> {
        T call() throws Exception;
    }
}
