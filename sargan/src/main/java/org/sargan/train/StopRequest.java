package org.sargan.train;

import java.util.concurrent.CountDownLatch;

/**
 * A request to stop training after the current step, from a shutdown hook (Ctrl-C, kill) or from a test. The
 * requester may wait until the trainer has written its checkpoint and left its loop.
 */
public final class StopRequest {
    private volatile String reason;
    private volatile int exitCode;
    private final CountDownLatch exited = new CountDownLatch(1);

    /** Asks the trainer to stop; {@code exitCode} is what the command returns (130 for SIGINT, 143 for SIGTERM). */
    public void request(String why, int code) {
        exitCode = code;
        reason = why;
    }

    public boolean requested() {
        return reason != null;
    }

    public String reason() {
        return reason;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Called by the training command when the loop has ended, however it ended. */
    public void trainerExited() {
        exited.countDown();
    }

    /** Blocks until {@link #trainerExited}: the checkpoint is on disk then. */
    public void awaitTrainerExit() {
        try {
            exited.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
