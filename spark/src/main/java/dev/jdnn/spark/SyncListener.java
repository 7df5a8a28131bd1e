package dev.jdnn.spark;

import java.io.Serializable;

/** Told before every synchronization of a worker: the tests' way to make a worker fail at a chosen point. */
@FunctionalInterface
interface SyncListener extends Serializable {
    /**
     * @param worker       the worker's partition
     * @param stageAttempt the attempt of the training stage (0 first, more after Spark retried it)
     * @param sync         how many synchronizations this worker finished in this attempt
     */
    void beforeSync(int worker, int stageAttempt, long sync);
}
