package dev.jdnn.cli;

import dev.jdnn.runtime.NativeLoadException;
import dev.jdnn.runtime.OneDnn;
import dev.jdnn.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/jdnn}: exit 0 on success, 2 on bad usage or input, including a native library or cache folder that
 * cannot be used (one line on stderr), 1 on internal failure.
 */
@Command(name = "jdnn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train and run convolutional networks on oneDNN from the JVM.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                ExportCommand.class, BenchCommand.class, RunCommand.class, SparkCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine line = new CommandLine(new Main());
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // IOException covers ModelFormatException and DataFormatException; a NativeLoadException comes from the
            // user's JDNN_LIBRARY_PATH or JDNN_CACHE_DIR (or a damaged install), input like any other (issue 20).
            if (e instanceof IllegalArgumentException || e instanceof java.io.IOException
                    || e instanceof TrainingDivergedException || e instanceof NativeLoadException) {
                System.err.println("jdnn: " + e.getMessage());
                return 2;
            }
            System.err.println("jdnn: internal failure: " + e);
            e.printStackTrace(System.err);
            return 1;
        });
        line.setParameterExceptionHandler((e, a) -> {
            System.err.println("jdnn: " + e.getMessage());
            return 2;
        });
        return line.execute(args);
    }

    /** jdnn's version, oneDNN's, and the ISA oneDNN dispatches to. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String jdnn = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jdnn " + (jdnn == null ? "(development build)" : jdnn),
                    OneDnn.summary(),
                    "Java " + Runtime.version()};
        }
    }
}
