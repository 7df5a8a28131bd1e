package dev.jdnn.inference;

import dev.jdnn.layers.EltwiseOp;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.Query;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongBiFunction;

/**
 * Which of oneDNN's implementations runs each dense layer: the fastest of those it offers for the layer's problem
 * (its input and output layouts, weight shape, post-ops, batch size and team size), timed the first time the
 * problem is compiled and then kept for the whole process. Keeping it matters beyond speed: two implementations
 * sum in different orders, so plans choosing apart would disagree in the last bits, and every predictor of every
 * compiled model of a network must compute alike within a process (another process may time differently).
 * <p>Why dense layers: at small batches they only stream their weights, and oneDNN's first choice is not always
 * the fastest there. On W1's 3136 x 128 layer at batch 1 on one thread (AMD Zen 5, oneDNN 3.13, a C++ probe),
 * its first choice, {@code brg_matmul:avx2}, took 22-23 µs and its second, {@code x64:gemm:jit}, 18 µs.
 * Convolutions are left to oneDNN's order: creating one compiles kernels, too slow to do for each candidate.
 * <p>Thread-safe: the first plan to need a choice times it while later ones wait for it.
 */
final class DenseImplementations {
    /**
     * What a dense layer's primitive computes, as far as the choice of implementation goes: its source and
     * destination as asked for (the batch size is the source's first dimension), its weights' shape, its
     * post-ops and the team size it runs on.
     */
    record Problem(MemoryDesc src, MemoryDesc dst, long[] weightDims, List<EltwiseOp> postOps, int threads) {
        boolean sameAs(Problem other) {
            return threads == other.threads && Arrays.equals(weightDims, other.weightDims)
                    && postOps.equals(other.postOps) && src.sameAs(other.src) && dst.sameAs(other.dst);
        }

        @Override
        public String toString() {
            return "dense layer " + src + " x " + Arrays.toString(weightDims) + " on " + threads + " thread(s)";
        }
    }

    /** A problem's choice, with the problem's descriptors copied to live as long as the choice. */
    private record Choice(Problem problem, String implementation) {}

    /** Candidates timed at most, oneDNN's reference implementation excluded. */
    private static final int MAX_CANDIDATES = 4;

    /**
     * A later candidate must beat the best so far by 5% and by 1 µs: where two are about as fast (or both take
     * next to nothing), oneDNN's order decides, so that the choice does not follow the machine's noise.
     */
    private static final double LATER_CANDIDATE_MARGIN = 0.95;
    private static final long LATER_CANDIDATE_MIN_GAIN_NANOS = 1_000;

    /** The choices by timing, shared by every compiled model of the process. */
    private static final DenseImplementations TIMED = new DenseImplementations();

    /** Where the kept problems' descriptors live: as long as the process, a few hundred bytes per problem. */
    private static final Arena KEPT = Arena.global();

    private final List<Choice> chosen = new ArrayList<>();
    /** For tests: always the candidate at this rank among the eligible ones (0 = oneDNN's first), or -1: time them. */
    private final int forcedRank;

    /** Choices by timing with a cache of their own; the process's are {@link #timed()}. */
    DenseImplementations() {
        this(-1);
    }

    private DenseImplementations(int forcedRank) {
        this.forcedRank = forcedRank;
    }

    /** The process's choices by timing. */
    static DenseImplementations timed() {
        return TIMED;
    }

    /**
     * For tests: choices of their own that take the eligible candidate of rank {@code rank} without timing (the
     * last one when fewer are offered), so that each implementation the timing may pick can be checked.
     */
    static DenseImplementations ranked(int rank) {
        if (rank < 0) throw new IllegalArgumentException("rank must be >= 0, got " + rank);
        return new DenseImplementations(rank);
    }

    /**
     * The descriptor of the implementation chosen for {@code problem}, created in {@code owner}. The first time
     * the problem comes, each implementation oneDNN offers for it that reads and writes the same layouts as its
     * first choice (its reference implementation aside) is timed by {@code nanos}, and the fastest is kept.
     *
     * @param create makes the descriptor afresh in the given arena, positioned at oneDNN's first choice
     * @param nanos  the time of a run of a candidate, in nanoseconds; it may allocate in the arena it is given
     */
    synchronized PrimitiveDesc choose(Problem problem, Arena owner, Function<Arena, PrimitiveDesc> create,
                                      ToLongBiFunction<PrimitiveDesc, Arena> nanos) {
        String name = null;
        for (Choice choice : chosen) {
            if (choice.problem().sameAs(problem)) name = choice.implementation();
        }
        if (name == null) {
            name = pick(create, nanos);
            chosen.add(new Choice(new Problem(problem.src().copy(KEPT), problem.dst().copy(KEPT),
                    problem.weightDims().clone(), List.copyOf(problem.postOps()), problem.threads()), name));
        }
        PrimitiveDesc desc = create.apply(owner);
        try (Arena scratch = Arena.ofConfined()) {
            PrimitiveDesc first = create.apply(scratch);
            while (!(desc.implementation().equals(name) && sameLayouts(first, desc))) {
                if (!desc.nextImplementation()) {
                    throw new IllegalStateException("oneDNN no longer offers " + name + " for " + problem);
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
                        boolean timedFirst = bestNanos == Long.MAX_VALUE;
                        if (timedFirst || (time < bestNanos * LATER_CANDIDATE_MARGIN
                                && bestNanos - time >= LATER_CANDIDATE_MIN_GAIN_NANOS)) {
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
