package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Named;

/** The check every row of the hostile-size tests makes: exactly this exception type, with these words in its message. */
final class Refusals {
    /** One refused call: what it must throw and the words its message must contain. */
    record Row(Class<? extends Throwable> type, Call call, String... words) {}

    @FunctionalInterface
    interface Call {
        void run() throws Throwable;
    }

    private Refusals() {}

    static Named<Row> row(String name, Class<? extends Throwable> type, Call call, String... words) {
        return Named.of(name, new Row(type, call, words));
    }

    static void assertRefused(Row row) {
        Throwable thrown = assertThrowsExactly(row.type(), row.call()::run);
        String message = String.valueOf(thrown.getMessage());
        for (String word : row.words()) {
            assertTrue(message.contains(word), "the message lacks '" + word + "': " + message);
        }
    }
}
