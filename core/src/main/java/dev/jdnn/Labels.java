package dev.jdnn;

/** Conversions between one-hot rows, class indices and probabilities. */
final class Labels {
    private Labels() {}

    /** The class index of each one-hot row; rows that are not exactly one 1 and zeros are refused by index. */
    static int[] fromOneHot(float[][] oneHot, int classes) {
        int[] labels = new int[oneHot.length];
        for (int i = 0; i < oneHot.length; i++) {
            float[] row = oneHot[i];
            if (row.length != classes) {
                throw new IllegalArgumentException("one-hot row " + i + " has " + row.length + " values, expected "
                        + classes);
            }
            int hot = -1;
            for (int j = 0; j < row.length; j++) {
                if (row[j] == 1f && hot < 0) hot = j;
                else if (row[j] != 0f) hot = -2;
            }
            if (hot < 0) {
                throw new IllegalArgumentException("row " + i + " is not one-hot: it must hold exactly one 1 and "
                        + (classes - 1) + " zeros");
            }
            labels[i] = hot;
        }
        return labels;
    }

    static int argmax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
        return best;
    }

    static void softmaxInPlace(float[] row) {
        float max = row[argmax(row)];
        double sum = 0;
        for (int j = 0; j < row.length; j++) sum += Math.exp(row[j] - max);
        for (int j = 0; j < row.length; j++) row[j] = (float) (Math.exp(row[j] - max) / sum);
    }
}
