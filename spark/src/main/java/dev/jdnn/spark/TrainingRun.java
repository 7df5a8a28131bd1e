package dev.jdnn.spark;

/**
 * What a {@link SparkTrainer#fit} run produced and cost.
 *
 * @param modelFile       the trained model's file (load it with {@code SimpleCNN.load(InputStream)}): the same weights
 *                        on every worker, checked; its history is worker 0's (training loss on its own partition)
 * @param workers         the workers that trained
 * @param epochsRun       the epochs trained (fewer than configured when early stopping ended the run)
 * @param imagesPerWorker training images per worker (the partitions cut to the smallest)
 * @param seconds         seconds of the training job's last attempt, from its workers' start to their end, reading the
 *                        partitions excluded
 * @param imagesPerSecond training images of all workers per second of that attempt (its epochs only, after a resume)
 * @param syncs           synchronizations per worker in the last attempt
 * @param messageBytes    bytes one worker sends per synchronization (it receives {@code workers} times as many)
 * @param syncSeconds     mean seconds per synchronization (encoding, allGather and averaging), over the workers
 * @param gatherSeconds   mean seconds per synchronization spent in allGather, waiting for slower workers included
 * @param exchangeSeconds mean over the synchronizations of the shortest allGather among the workers: that of the last
 *                        to arrive, which waits for no one, so the cost of the exchange itself
 * @param stageAttempts   attempts of the training stage (1 unless a worker failed and Spark retried the stage)
 * @param resumedEpochs   epochs the last attempt resumed after, from the workers' checkpoints (0: from the start)
 */
public record TrainingRun(byte[] modelFile, int workers, int epochsRun, long imagesPerWorker, double seconds,
                          double imagesPerSecond, long syncs, long messageBytes, double syncSeconds,
                          double gatherSeconds, double exchangeSeconds, int stageAttempts, int resumedEpochs) {}
