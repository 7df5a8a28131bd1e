package dev.jdnn.spark;

import java.io.Serializable;

/**
 * What one worker of {@link SparkTrainer} reports to the driver when its training ends.
 *
 * @param worker        the worker's partition
 * @param stageAttempt  the attempt of the training stage that finished (more than 0 after a retry)
 * @param resumedEpochs the epochs the worker resumed after (0: it trained from the start)
 * @param trainImages   the worker's training images (the same count on every worker)
 * @param epochsRun     epochs trained in all
 * @param fitSeconds    seconds of this attempt's fit or resume, synchronizations included
 * @param syncs         synchronizations in this attempt
 * @param messageBytes  bytes of one message this worker sent
 * @param gatherSeconds seconds spent in allGather in this attempt
 * @param gatherEach    seconds of each synchronization's allGather in this attempt, in order
 * @param syncSeconds   seconds spent synchronizing in this attempt (encoding, allGather, averaging)
 * @param stateSha256   SHA-256 of the final weights and running statistics, checked equal on every worker
 * @param modelFile     the trained model's file, from worker 0 only (null from the others)
 */
record WorkerReport(int worker, int stageAttempt, int resumedEpochs, long trainImages, int epochsRun, double fitSeconds,
                    long syncs, long messageBytes, double gatherSeconds, double[] gatherEach, double syncSeconds,
                    String stateSha256,
                    byte[] modelFile) implements Serializable {}
