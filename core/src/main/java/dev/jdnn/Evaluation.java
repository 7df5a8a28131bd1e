package dev.jdnn;

/**
 * Classification figures from predictions and true labels: accuracy, macro precision / recall / F1 (a
 * class that is never predicted, or never present, counts 0 for that figure, as scikit-learn's
 * zero_division=0), and the confusion matrix (rows: true class, columns: predicted class).
 */
public record Evaluation(double accuracy, double precision, double recall, double f1, long[][] confusion) {
    public static Evaluation of(int[] predicted, int[] actual, int classes) {
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + actual.length + " labels");
        }
        long[][] confusion = new long[classes][classes];
        long correct = 0;
        for (int i = 0; i < actual.length; i++) {
            confusion[actual[i]][predicted[i]]++;
            if (actual[i] == predicted[i]) correct++;
        }
        double precision = 0, recall = 0, f1 = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            long tp = confusion[c][c], predictedC = 0, actualC = 0;
            for (int k = 0; k < classes; k++) {
                predictedC += confusion[k][c];
                actualC += confusion[c][k];
            }
            if (actualC == 0 && predictedC == 0) continue;
            present++;
            double p = predictedC == 0 ? 0 : (double) tp / predictedC;
            double r = actualC == 0 ? 0 : (double) tp / actualC;
            precision += p;
            recall += r;
            f1 += p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
        int n = Math.max(present, 1);
        return new Evaluation(actual.length == 0 ? 0 : (double) correct / actual.length, precision / n, recall / n,
                f1 / n, confusion);
    }

    public double get(Metric metric) {
        return switch (metric) {
            case ACCURACY -> accuracy;
            case PRECISION -> precision;
            case RECALL -> recall;
            case F1 -> f1;
        };
    }

    /** The confusion matrix as aligned text, with class names when given. */
    public String confusionTable(java.util.List<String> names) {
        StringBuilder text = new StringBuilder(String.format("%14s", "true \\ pred"));
        for (int c = 0; c < confusion.length; c++) text.append(String.format("%6d", c));
        text.append('\n');
        for (int r = 0; r < confusion.length; r++) {
            String name = names != null && r < names.size() ? names.get(r) : Integer.toString(r);
            text.append(String.format("%14s", name.length() > 14 ? name.substring(0, 14) : name));
            for (long v : confusion[r]) text.append(String.format("%6d", v));
            text.append('\n');
        }
        return text.toString();
    }
}
