package dev.jdnn;

import dev.jdnn.train.TrainingState;
import dev.jdnn.train.Updater;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What a checkpoint adds to a model, kept from {@link SimpleCNN#load} until {@link SimpleCNN#resume}: the
 * trainer's state, the optimizer's step count and state buffers, and the fingerprint of the data.
 */
record ResumeState(TrainingState training, long optimizerSteps, List<float[]> optimizerState, DataFingerprint data) {
    /**
     * Writes the optimizer's state into a freshly bound updater.
     *
     * @throws IllegalArgumentException if the updater keeps another number or size of state buffers
     */
    void restore(Updater updater, String optimizer) {
        List<MemorySegment> buffers = updater.state();
        if (buffers.size() != optimizerState.size()) {
            throw new IllegalArgumentException("the checkpoint holds " + optimizerState.size()
                    + " optimizer state tensors but " + optimizer + " keeps " + buffers.size());
        }
        for (int k = 0; k < buffers.size(); k++) {
            MemorySegment saved = MemorySegment.ofArray(optimizerState.get(k));
            if (saved.byteSize() != buffers.get(k).byteSize()) {
                throw new IllegalArgumentException("optimizer state tensor " + k + " has " + saved.byteSize()
                        + " bytes, " + optimizer + " keeps " + buffers.get(k).byteSize());
            }
            buffers.get(k).copyFrom(saved);
        }
        updater.restore(optimizerSteps);
    }
}
