package dev.ist.worker.runtime.job;

import dev.ist.common.job.JobRequest;

import java.util.Optional;

/**
 * The worker's safety net for routing by capacity: a job its own memory budget refuses goes on to another worker pool
 * that the fleet's capacity table says fits it, instead of failing. The gateway's table may have been stale, or the
 * default pool scaled to zero, when the job was routed.
 */
public interface JobForwarding {

    /**
     * Where a job goes on: a pool and the run time quoted on it.
     *
     * @param pool          another pool that fits the job
     * @param quotedSeconds the capacity model's seconds on that pool's smallest fitting class (the queue ETA adds
     *                      these up; the quote the gateway made was for the pool that refused it)
     */
    record Target(String pool, Double quotedSeconds) {
    }

    /** Another pool that fits this optimisation job (content {@code contentWidth}×{@code contentHeight}); never the worker's own. */
    Optional<Target> target(JobRequest request, int contentWidth, int contentHeight);

    /** Forwards this often at most; a job forwarded that many times FAILS where it is. */
    int maxForwards();

    /**
     * Sends the record to the target pool's lane topic (the same request, stamped with that pool and its quote, its
     * forward count one higher) and returns once the broker acknowledged it; then says so on the events topic and counts it.
     *
     * @throws ForwardException when the send was not acknowledged: nothing may be committed
     */
    void forward(JobMessage record, JobRequest request, Target target, String why)
            throws ForwardException;

    /** No other pool is ever known: every job that does not fit FAILS (tests, a worker without a fleet view). */
    static JobForwarding none() {
        return new JobForwarding() {
            @Override
            public Optional<Target> target(JobRequest request, int contentWidth, int contentHeight) {
                return Optional.empty();
            }

            @Override
            public int maxForwards() {
                return 0;
            }

            @Override
            public void forward(JobMessage record, JobRequest request, Target target, String why)
                    throws ForwardException {
                throw new ForwardException("forwarding is off", null);
            }
        };
    }

    final class ForwardException extends Exception {
        public ForwardException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
