package dev.jdnn.cli;

import dev.jdnn.train.EpochStats;
import dev.jdnn.train.History;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Draws a run's curves into a PNG: training and validation loss on the left, validation accuracy on the right. */
final class TrainingPlot {
    private TrainingPlot() {}

    static void write(History history, Path file) throws IOException {
        List<EpochStats> epochs = history.epochs();
        double[] x = epochs.stream().mapToDouble(EpochStats::epoch).toArray();
        XYChart loss = chart("Loss", "loss");
        loss.addSeries("training", x, epochs.stream().mapToDouble(EpochStats::trainLoss).toArray());
        XYChart accuracy = chart("Validation accuracy", "accuracy");
        // Without a validation set these are NaN: leave the curves out rather than draw nothing.
        if (epochs.stream().allMatch(e -> Double.isFinite(e.validLoss()))) {
            loss.addSeries("validation", x, epochs.stream().mapToDouble(EpochStats::validLoss).toArray());
            accuracy.addSeries("validation", x, epochs.stream().mapToDouble(EpochStats::validAccuracy).toArray());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(List.of(loss, accuracy), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static XYChart chart(String title, String yAxis) {
        XYChart chart = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle("epoch").yAxisTitle(yAxis)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern("0.###");
        return chart;
    }
}
