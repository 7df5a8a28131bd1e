package dev.jdnn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code bin/jdnn spark}: jdnn on Apache Spark. Its subcommands need Spark's jars, which bin/jdnn puts on the class
 * path for them only (spark/target/spark-jars); the other commands run without Spark.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
        description = "Run jdnn on Apache Spark: batch inference and data-parallel training (local[*] by default,"
                + " or the cluster of --master or spark-submit).",
        subcommands = {SparkPredictCommand.class, SparkTrainCommand.class})
final class SparkCommand implements Runnable {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Runs a Spark job of a subcommand, whose classes refer to Spark's: without Spark on the class path that fails
     * with a NoClassDefFoundError when they load, which becomes the one-line reason how to get Spark.
     */
    static int run(SparkJob job) throws Exception {
        try {
            return job.run();
        } catch (NoClassDefFoundError e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("org/apache/spark")) throw e;
            throw new IllegalArgumentException("Spark is not on the class path (" + e.getMessage() + " is missing):"
                    + " bin/jdnn adds spark/target/spark-jars, which 'bin/mvn -B -q -DskipTests package' writes;"
                    + " or submit jdnn's jars with spark-submit (README, \"Running on Spark\")");
        }
    }

    /** A subcommand's work, in a class that only loads when it runs. */
    @FunctionalInterface
    interface SparkJob {
        int run() throws Exception;
    }
}
