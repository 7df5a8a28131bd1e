/** An empty program: the JVM's own launch time, for bench/cold-start-floor.sh. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("done-at-ms=" + System.currentTimeMillis());
    }
}
