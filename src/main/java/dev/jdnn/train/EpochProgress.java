package dev.jdnn.train;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: a progress bar per epoch (loss and speed) when attached to a terminal, nothing
 * during the epoch otherwise; then one summary line per epoch. Silent when disabled.
 */
abstract sealed class EpochProgress implements AutoCloseable {
    static EpochProgress start(boolean enabled, PrintStream out, int epoch, int epochs, long images) {
        if (enabled && System.console() != null && System.console().isTerminal()) {
            return new Bar(out, epoch, epochs, images);
        }
        return new Silent();
    }

    /** Prints the epoch's summary line when progress is enabled. */
    static void summary(boolean enabled, PrintStream out, EpochStats stats) {
        if (enabled) out.println(stats);
    }

    abstract void advance(long images, double lossSum, long nanos);

    @Override
    public abstract void close();

    private static final class Silent extends EpochProgress {
        @Override
        void advance(long images, double lossSum, long nanos) {}

        @Override
        public void close() {}
    }

    private static final class Bar extends EpochProgress {
        private final ProgressBar bar;
        private long done;

        Bar(PrintStream out, int epoch, int epochs, long images) {
            bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(images)
                    .setUnit(" img", 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                    .setConsumer(new ConsoleProgressBarConsumer(out)).continuousUpdate().build();
        }

        @Override
        void advance(long images, double lossSum, long nanos) {
            done += images;
            bar.stepTo(done);
            bar.setExtraMessage(String.format(" loss %.4f  %.0f img/s", lossSum / done, done / (nanos / 1e9)));
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
