package dev.ist.worker.runtime.job;

import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;
import dev.ist.common.storage.StorageException;
import dev.ist.worker.engine.EngineState;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.IterationReport;
import dev.ist.worker.engine.PhaseTimings;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.runtime.fleet.FencedWriteException;
import dev.ist.worker.runtime.fleet.OwnerToken;
import dev.ist.worker.runtime.kafka.EventPublisher.PublishException;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Fakes of the job runner's collaborators, each isolating {@link JobRunner} from Kafka, storage or an engine. */
final class JobRunnerFakes {

    private JobRunnerFakes() {
    }

    /** Records every event; acknowledgements can be refused a number of times. */
    static final class FakeEvents implements JobEvents {
        final List<JobEvent> published = new ArrayList<>();
        final List<JobEvent> acknowledged = new ArrayList<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();
        int refuseTerminal;
        int refuseDeadLetter;

        @Override
        public synchronized void publish(JobEvent event) {
            published.add(event);
        }

        @Override
        public synchronized void publishAndWait(JobEvent event) throws PublishException {
            if (refuseTerminal > 0) {
                refuseTerminal--;
                throw new PublishException("no acknowledgement (fake)", null);
            }
            published.add(event);
            acknowledged.add(event);
        }

        @Override
        public synchronized void deadLetter(DeadLetter letter) throws PublishException {
            if (refuseDeadLetter > 0) {
                refuseDeadLetter--;
                throw new PublishException("dead letter refused (fake)", null);
            }
            deadLetters.add(letter);
        }

        @Override
        public synchronized boolean isPublished(JobEvent terminal) {
            return acknowledged.contains(terminal);
        }

        synchronized List<JobEvent> terminals() {
            return List.copyOf(acknowledged);
        }
    }

    /** Per-job objects in memory; {@code failuresLeft} transient failures are thrown before calls succeed again. */
    static final class FakeObjects implements JobObjects {
        final Map<String, JobEvent> markers = new HashMap<>();
        final Map<String, Checkpoint> checkpoints = new HashMap<>();
        final Map<String, byte[]> results = new HashMap<>();
        final Map<String, byte[]> manifests = new HashMap<>();
        final Map<String, byte[]> previews = new HashMap<>();
        int failuresLeft;
        /** Runs when a terminal marker is stored (to move the partition at that moment). */
        Runnable onSaveTerminal = () -> { };
        /** Asked before every write with the job id (the fence of {@link FakeOwnership}). */
        java.util.function.Consumer<String> writeGuard = id -> { };

        private void guard(String jobIdOrKey) {
            writeGuard.accept(jobIdOrKey.startsWith("jobs/") ? FencedJobObjects.jobIdOf(jobIdOrKey) : jobIdOrKey);
        }

        private void maybeFail() {
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new StorageException("storage down (fake)", true, null);
            }
        }

        @Override
        public synchronized Optional<JobEvent> terminal(String jobId) {
            maybeFail();
            return Optional.ofNullable(markers.get(jobId));
        }

        @Override
        public synchronized void saveTerminal(JobEvent event) {
            guard(event.jobId());
            maybeFail();
            markers.put(event.jobId(), event);
            onSaveTerminal.run();
        }

        @Override
        public synchronized Optional<Checkpoint> checkpoint(String jobId) {
            maybeFail();
            return Optional.ofNullable(checkpoints.get(jobId));
        }

        @Override
        public synchronized void saveCheckpoint(Checkpoint checkpoint) {
            guard(checkpoint.jobId());
            maybeFail();
            checkpoints.put(checkpoint.jobId(), checkpoint);
        }

        @Override
        public synchronized void deleteCheckpoint(String jobId) {
            try {
                guard(jobId);
            } catch (RuntimeException e) {
                return; // never throws, as the interface says
            }
            checkpoints.remove(jobId);
        }

        @Override
        public synchronized void savePreview(String key, byte[] jpeg) {
            guard(key);
            maybeFail();
            previews.put(key, jpeg);
        }

        @Override
        public synchronized void saveResult(String key, byte[] bytes, String mediaType) {
            guard(key);
            maybeFail();
            results.put(key, bytes);
        }

        @Override
        public synchronized void saveManifest(String key, byte[] json) {
            guard(key);
            maybeFail();
            manifests.put(key, json);
        }
    }

    /**
     * Cancel markers, claims and attempt counts in memory. {@link #supersede} makes every later owner check (and,
     * wired as the objects' write guard, every write) of a claimed job fail as storage would after a takeover.
     */
    static final class FakeOwnership implements JobOwnership {
        final java.util.Set<String> cancelMarkers = new java.util.HashSet<>();
        final List<String> claims = new ArrayList<>();
        final List<String> earlierWorkers = new ArrayList<>();
        int earlierCrashes;
        int stoppedCleanly;
        int released;
        private volatile boolean superseded;

        void supersede() {
            superseded = true;
        }

        @Override
        public boolean cancelRecorded(String jobId) {
            return cancelMarkers.contains(jobId);
        }

        @Override
        public synchronized Attempt claim(String jobId) {
            claims.add(jobId);
            List<String> workers = new ArrayList<>(earlierWorkers);
            workers.add("w1");
            return new Attempt(earlierCrashes + 1, earlierCrashes, workers, "started " + (earlierCrashes + 1)
                    + " times, " + earlierCrashes + " crashed; last workers: " + String.join(", ", workers));
        }

        @Override
        public synchronized void check(String jobId, String what) {
            if (superseded && claims.contains(jobId)) {
                OwnerToken mine = new OwnerToken(jobId, 1, "t1", "w1", java.time.Instant.now());
                throw new FencedWriteException(what, mine,
                        new OwnerToken(jobId, 2, "t2", "w2", java.time.Instant.now()));
            }
        }

        @Override
        public synchronized void stoppedCleanly(String jobId) {
            check(jobId, "attempt count");
            stoppedCleanly++;
        }

        @Override
        public synchronized void release(String jobId) {
            released++;
        }
    }

    /** What a fake run does once it is started. */
    @FunctionalInterface
    interface Behaviour {
        Stylized run(JobRequest request, EngineState resume, IterationListener listener, BooleanSupplier stop);
    }

    /** A stylizer whose run is a lambda; counts how often it prepared and ran. */
    static class FakeStylizer implements Stylizer {
        final Behaviour behaviour;
        int prepared;
        int runs;
        /** The L-BFGS history the preflight asked for, or 0. */
        boolean closed;
        EngineState lastResume;

        FakeStylizer(Behaviour behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public Prepared prepare(JobRequest request, JobInputs inputs, EngineState resume) {
            prepared++;
            lastResume = resume;
            return new Prepared() {
                @Override
                public Stylized run(IterationListener listener, BooleanSupplier stop) {
                    runs++;
                    return behaviour.run(request, resume, listener, stop);
                }

            };
        }

        @Override
        public String device() {
            return "fake:0";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static BufferedImage image(int w, int h) {
        return new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    }

    static EngineState state(int iteration) {
        return new EngineState(0, iteration, 2, 2, new float[12], 0L, new byte[0]);
    }

    /** The report of iteration {@code i} of {@code total}. */
    static IterationReport report(int i, int total) {
        BufferedImage img = image(4, 4);
        return new IterationReport(i, total, 0, 1, 4, 4, 1, 2, 0, 3, 5, i == total, maxSide -> img, () -> state(i));
    }

    /** Reports every iteration up to the total and returns a 4x4 result. */
    static Stylized finished(JobRequest request, EngineState resume, IterationListener listener) {
        int total = request.options().iterations();
        for (int i = resume == null ? 0 : resume.iteration(); i <= total; i++) {
            listener.onIteration(report(i, total));
        }
        return new Stylized(new TransferResult(image(4, 4), 1, 2, 0, 3, total, new PhaseTimings(1, 2, 3, 4),
                "fake weights", "abc", List.of()), new JobManifest.Weights("fake weights", "abc"), false);
    }
}
