package dev.jdnn.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the benchmarks do with their figures: round them for the report, and compare them with a peer's. */
final class Figures {
    private Figures() {}

    /** {@code value} rounded to {@code decimals}; null stays null. */
    static Double round(Double value, int decimals) {
        if (value == null) return null;
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /**
     * jdnn / {@code peer} for each of {@code keys} that both {@code jdnn} and {@code peerFigures} report as a
     * number (the peer's not 0), rounded to 3 decimals, each printed to {@code out} as it is computed.
     */
    static Map<String, Object> ratios(Map<String, Object> jdnn, String peer, Map<String, Object> peerFigures,
                                      List<String> keys, PrintStream out) {
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String key : keys) {
            if (jdnn.get(key) instanceof Number mine && peerFigures.get(key) instanceof Number other
                    && other.doubleValue() != 0) {
                double ratio = mine.doubleValue() / other.doubleValue();
                ratios.put(key, round(ratio, 3));
                out.printf(Locale.ROOT, "%-20s jdnn %10.1f  %s %10.1f  jdnn/%s %.3f (%s is better)%n", key,
                        mine.doubleValue(), peer, other.doubleValue(), peer, ratio,
                        key.endsWith("_ips") ? "higher" : "lower");
            }
        }
        return ratios;
    }
}
