package dev.jdnn.runtime;

/**
 * Run by {@link CountingArenaBudgetTest} in a child JVM with a native-memory budget: three allocations of 80 MB,
 * each under a budget of 200 MB, the three together over it. Prints what happened to each.
 */
public final class NativeBudgetProbe {
    private NativeBudgetProbe() {}

    public static void main(String[] args) {
        CountingArena[] arenas = new CountingArena[3];
        try {
            for (int i = 0; i < arenas.length; i++) {
                arenas[i] = new CountingArena();
                arenas[i].allocate(80_000_000L, 64);
                System.out.println("allocated " + (i + 1));
            }
        } catch (OutOfMemoryError e) {
            System.out.println("refused: " + e.getMessage());
        } finally {
            for (CountingArena arena : arenas) if (arena != null) arena.close();
        }
        System.out.println("live after close: " + CountingArena.liveBytes());
    }
}
