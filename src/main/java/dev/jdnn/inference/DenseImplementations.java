package dev.jdnn.inference;

import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.Query;
import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongBiFunction;

/**
 * Which of oneDNN's implementations runs each dense layer of a compiled model, per batch size and team size:
 * the fastest of those it offers, timed once, then reused by every plan of the model. Reuse matters beyond
 * speed: two implementations sum in different orders, so predictors choosing apart would disagree in the last
 * bits, and a model's predictors must compute alike.
 * <p>Why dense layers: at small batches they only stream their weights, and oneDNN's first choice is not always
 * the fastest there. On W1's 3136 x 128 layer at batch 1 on one thread (AMD Zen 5, oneDNN 3.13, a C++ probe),
 * its first choice, {@code brg_matmul:avx2}, took 22-23 µs and its second, {@code x64:gemm:jit}, 18 µs. Convolutions
 * are left to oneDNN's order: creating one compiles kernels, too slow to do for each candidate.
 * <p>Thread-safe: the first plan to need a choice times it while later ones wait for it.
 */
final class DenseImplementations {
    /** A dense layer (its index among the model's ops) at a batch size on a team size. */
    record Key(int op, int batch, int threads) {}

    /** Candidates examined at most, oneDNN's reference implementation excluded. */
    private static final int MAX_CANDIDATES = 4;

    /**
     * A later candidate must beat the best so far by 5%: where two are about as fast, oneDNN's order decides,
     * so that the choice does not flip with the machine's noise from one compiled model to the next.
     */
    private static final double LATER_CANDIDATE_MARGIN = 0.95;

    /** The implementation's name per key: oneDNN's order of implementations may change as its primitive cache fills. */
    private final Map<Key, String> chosen = new HashMap<>();
    /** For tests: always the candidate at this rank among the eligible ones (0 = oneDNN's first), or -1: time them. */
    private final int forcedRank;

    /** Choices by timing. */
    DenseImplementations() {
        this(-1);
    }

    private DenseImplementations(int forcedRank) {
        this.forcedRank = forcedRank;
    }

    /**
     * For tests: choices that take the eligible candidate of rank {@code rank} without timing (the last one
     * when fewer are offered), so that each implementation the timing may pick can be checked.
     */
    static DenseImplementations ranked(int rank) {
        if (rank < 0) throw new IllegalArgumentException("rank must be >= 0, got " + rank);
        return new DenseImplementations(rank);
    }

    /**
     * The descriptor of the implementation chosen for {@code key}, created in {@code owner}. On the first call
     * for a key, each implementation oneDNN offers that reads and writes the same layouts as its first choice
     * (its reference implementation aside) is timed by {@code nanos}, and the fastest is kept.
     *
     * @param create makes the descriptor afresh in the given arena, positioned at oneDNN's first choice
     * @param nanos  the time of a run of a candidate, in nanoseconds; it may allocate in the arena it is given
     */
    synchronized PrimitiveDesc choose(Key key, Arena owner, Function<Arena, PrimitiveDesc> create,
                                      ToLongBiFunction<PrimitiveDesc, Arena> nanos) {
        String name = chosen.get(key);
        if (name == null) {
            name = pick(create, nanos);
            chosen.put(key, name);
        }
        PrimitiveDesc desc = create.apply(owner);
        try (Arena scratch = Arena.ofConfined()) {
            PrimitiveDesc first = create.apply(scratch);
            while (!(desc.implementation().equals(name) && sameLayouts(first, desc))) {
                if (!desc.nextImplementation()) {
                    throw new IllegalStateException("oneDNN no longer offers " + name + " for dense layer " + key);
                }
            }
        }
        return desc;
    }

    private String pick(Function<Arena, PrimitiveDesc> create, ToLongBiFunction<PrimitiveDesc, Arena> nanos) {
        try (Arena scratch = Arena.ofConfined()) {
            PrimitiveDesc first = create.apply(scratch);
            PrimitiveDesc walker = create.apply(scratch);
            Set<String> seen = new HashSet<>();
            String best = first.implementation();
            long bestNanos = Long.MAX_VALUE;
            do {
                String name = walker.implementation();
                // oneDNN may list an implementation more than once (one entry per weights layout it tries).
                if (name.startsWith("ref") || !sameLayouts(first, walker) || !seen.add(name)) continue;
                if (forcedRank >= 0) {
                    if (seen.size() <= forcedRank + 1) best = name;
                } else {
                    try (Arena candidate = Arena.ofConfined()) {
                        long time = nanos.applyAsLong(walker, candidate);
                        if (time < bestNanos * LATER_CANDIDATE_MARGIN) {
                            bestNanos = time;
                            best = name;
                        }
                    }
                }
            } while (seen.size() < MAX_CANDIDATES && walker.nextImplementation());
            return best;
        }
    }

    private static boolean sameLayouts(PrimitiveDesc a, PrimitiveDesc b) {
        return a.query(Query.SRC).sameAs(b.query(Query.SRC)) && a.query(Query.DST).sameAs(b.query(Query.DST));
    }
}
