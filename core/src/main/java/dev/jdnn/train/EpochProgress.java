package dev.jdnn.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress: one line per epoch, redrawn in place (carriage return) with the images done, the loss
 * and the speed when attached to a terminal, nothing during the epoch otherwise; then one summary line per
 * epoch. Silent when disabled. Plain text, so that the library needs no terminal library.
 */
abstract sealed class EpochProgress implements AutoCloseable {
    static EpochProgress start(boolean enabled, PrintStream out, int epoch, int epochs, long images) {
        if (enabled && System.console() != null && System.console().isTerminal()) {
            return new Line(out, epoch, epochs, images);
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

    private static final class Line extends EpochProgress {
        /** Redraws at most this often: a step takes well under a millisecond at small batch sizes. */
        private static final long REDRAW_NANOS = 200_000_000L;
        private static final int BAR_WIDTH = 30;

        private final PrintStream out;
        private final String task;
        private final long total;
        private long done;
        private long lastDraw = -REDRAW_NANOS;
        private int width;

        Line(PrintStream out, int epoch, int epochs, long images) {
            this.out = out;
            this.task = "epoch " + epoch + "/" + epochs;
            this.total = Math.max(1, images);
        }

        @Override
        void advance(long images, double lossSum, long nanos) {
            done += images;
            if (done < total && nanos - lastDraw < REDRAW_NANOS) return;
            lastDraw = nanos;
            int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * done / total);
            String text = String.format(Locale.ROOT, "%s [%s%s] %d/%d img  loss %.4f  %.0f img/s", task,
                    "=".repeat(filled), " ".repeat(BAR_WIDTH - filled), done, total, lossSum / done,
                    done / Math.max(1e-9, nanos / 1e9));
            // Pads over a longer line drawn before, so no characters of it remain.
            out.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
            width = text.length();
            out.flush();
        }

        @Override
        public void close() {
            if (width > 0) out.print("\r" + " ".repeat(width) + "\r");
            out.flush();
        }
    }
}
