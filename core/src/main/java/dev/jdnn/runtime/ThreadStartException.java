package dev.jdnn.runtime;

/**
 * jdnn could not start the threads a call needs: the process's or user's thread limit (ulimit -u, a container's
 * pids limit) or the memory for thread stacks is exhausted. Raised in Java, before OpenMP would have to start them:
 * libgomp cannot report a thread it fails to create, it ends the process. Nothing is left half-started; the call
 * may be retried, with fewer threads or once other threads have ended.
 */
public final class ThreadStartException extends RuntimeException {
    ThreadStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
