package dev.ist.gateway.view;

import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobViewTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final JobView view = new JobView(16);

    private static JobRequest request(String id, String owner) {
        ImageRef img = new ImageRef("a".repeat(64));
        return JobRequest.of(id, T0, img, List.of(new StyleRef(img, 1)), JobOptions.defaults(), owner);
    }

    private static JobEvent progress(String id, long seq, int it) {
        return JobEvent.progress(id, seq, T0.plusSeconds(seq), "w", new Progress(it, 100, 0, 1, 8, 8,
                new Losses(1, 2, 0, 3), 10, "jobs/" + id + "/previews/" + it));
    }

    @Test
    void eventsAreAppliedOncePerSequenceNumberWhateverTheDeliveryOrder() {
        String id = UUID.randomUUID().toString();
        JobEvent running = JobEvent.running(id, 1, T0, "w", null);
        assertTrue(view.apply(running), "events before their request are kept");
        assertTrue(view.find(id).isEmpty(), "a job exists once its request is known");
        view.apply(request(id, "alice"));
        assertTrue(view.apply(JobEvent.queued(id, T0)));
        assertFalse(view.apply(running), "a redelivered event is ignored");
        assertTrue(view.apply(progress(id, 2, 40)));
        assertFalse(view.apply(progress(id, 2, 40)));

        JobSnapshot s = view.find(id).orElseThrow();
        assertEquals(JobState.RUNNING, s.state());
        assertEquals(2, s.lastSeq());
        assertEquals(40, s.progress().iteration());
        assertEquals(1, view.inFlight("alice"));
    }

    @Test
    void aListenerThatThrowsDoesNotKeepEventsFromTheJobsOtherListeners() {
        String id = UUID.randomUUID().toString();
        view.apply(request(id, "bob"));
        view.apply(JobEvent.queued(id, T0));
        List<Long> healthy = new ArrayList<>();
        view.subscribe(id, 0, e -> {
            throw new IllegalStateException("Already closed"); // what a closed SSE sink throws
        });
        view.subscribe(id, 0, e -> healthy.add(e.seq()));
        assertTrue(view.apply(JobEvent.running(id, 1, T0, "w", null)));
        assertTrue(view.apply(progress(id, 2, 10)));
        assertEquals(List.of(1L, 2L), healthy);
    }

    @Test
    void aFinishedJobIsNotRevivedByALateEvent() {
        String id = UUID.randomUUID().toString();
        view.apply(request(id, "alice"));
        view.apply(JobEvent.failed(id, 3, T0, "w", new Failure(ErrorCode.OUT_OF_MEMORY, "smaller"), Map.of("total", 5L)));
        view.apply(progress(id, 4, 50));
        JobSnapshot s = view.find(id).orElseThrow();
        assertEquals(JobState.FAILED, s.state());
        assertEquals(ErrorCode.OUT_OF_MEMORY, s.failure().code());
        assertEquals(5L, s.timingsMs().get("total"));
        assertEquals(0, view.inFlight("alice"));
    }

    @Test
    void subscribersGetTheReplayThenLiveEventsWithoutGapsOrDoubles() {
        String id = UUID.randomUUID().toString();
        view.apply(request(id, "bob"));
        view.apply(JobEvent.queued(id, T0));
        view.apply(JobEvent.running(id, 1, T0, "w", null));
        List<Long> live = new ArrayList<>();
        List<JobEvent> replay = view.subscribe(id, 0, e -> live.add(e.seq())).orElseThrow();
        view.apply(progress(id, 2, 10));
        view.apply(progress(id, 2, 10));
        assertEquals(List.of(1L), replay.stream().map(JobEvent::seq).toList());
        assertEquals(List.of(2L), live);
        assertTrue(view.subscribe(UUID.randomUUID().toString(), -1, e -> { }).isEmpty());
    }

    @Test
    void aFinishedJobKeepsASummaryNotItsHistory() {
        String id = UUID.randomUUID().toString();
        view.apply(request(id, "bob"));
        view.apply(JobEvent.queued(id, T0));
        view.apply(JobEvent.running(id, 1, T0, "w", null));
        for (int seq = 2; seq < 12; seq++) {
            view.apply(progress(id, seq, seq));
        }
        view.apply(JobEvent.succeeded(id, 12, T0, "w", null, "jobs/" + id + "/result.png", null, Map.of()));
        view.apply(progress(id, 5, 5)); // redelivered after the end: stays out

        List<Long> kept = view.eventsAfter(id, -1).stream().map(JobEvent::seq).toList();
        assertEquals(List.of(0L, 1L, 11L, 12L), kept);
        assertEquals(11, view.find(id).orElseThrow().progress().iteration());
    }

    @Test
    void oldProgressTicksAreDroppedBeyondTheCapButLifecycleEventsStay() {
        String id = UUID.randomUUID().toString();
        view.apply(request(id, "bob"));
        view.apply(JobEvent.queued(id, T0));
        view.apply(JobEvent.running(id, 1, T0, "w", null));
        for (int seq = 2; seq < 40; seq++) {
            view.apply(progress(id, seq, seq));
        }
        view.apply(progress(id, 3, 3)); // a redelivered, already trimmed tick stays out
        List<JobEvent> kept = view.eventsAfter(id, -1);
        assertEquals(16, kept.size());
        assertEquals(0, kept.get(0).seq());
        assertEquals(1, kept.get(1).seq());
        assertEquals(39, kept.get(kept.size() - 1).seq());
    }

    @Test
    void finishedJobsOlderThanTheRetentionAreForgottenUnlessSomeoneIsStreamingThem() {
        String old = UUID.randomUUID().toString();
        String watched = UUID.randomUUID().toString();
        String running = UUID.randomUUID().toString();
        for (String id : List.of(old, watched, running)) {
            view.apply(request(id, "carol"));
        }
        view.apply(JobEvent.cancelled(old, 1, T0, "w", null));
        view.apply(JobEvent.cancelled(watched, 1, T0, "w", null));
        view.apply(JobEvent.running(running, 1, T0, "w", null));
        view.subscribe(watched, 1, e -> { });

        assertEquals(1, view.evictFinishedBefore(T0.plusSeconds(60)));
        assertTrue(view.find(old).isEmpty());
        assertTrue(view.find(watched).isPresent());
        assertTrue(view.find(running).isPresent());
    }

    @Test
    void cancelRequestsAndCountsByStateAreVisible() {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        view.apply(request(a, "alice"));
        view.apply(request(b, "alice"));
        view.apply(JobEvent.cancelled(b, 1, T0, "w", "user"));
        view.apply(ControlMessage.cancel(a, T0, "alice"));
        assertTrue(view.find(a).orElseThrow().cancelRequested());
        assertEquals(1, view.countByState().get(JobState.QUEUED));
        assertEquals(1, view.countByState().get(JobState.CANCELLED));
        assertEquals(List.of(a), view.list("alice", JobState.QUEUED).stream().map(JobSnapshot::jobId).toList());
    }

    private static JobRequest laneRequest(String id, int secondsAfter, dev.ist.common.job.Priority lane) {
        ImageRef img = new ImageRef("a".repeat(64));
        return JobRequest.of(id, T0.plusSeconds(secondsAfter), img, List.of(new StyleRef(img, 1)),
                JobOptions.defaults(), "alice").withPriority(lane);
    }

    @Test
    void queuedJobsAreOrderedByTheLaneScheduleAndEveryQueueChangeIsVersioned() {
        long v0 = view.queueVersion();
        view.apply(laneRequest("n1", 1, dev.ist.common.job.Priority.NORMAL));
        view.apply(laneRequest("l1", 2, dev.ist.common.job.Priority.LOW));
        view.apply(laneRequest("n2", 3, null)); // a record from before lanes: NORMAL
        view.apply(laneRequest("h1", 4, dev.ist.common.job.Priority.HIGH));
        assertEquals(List.of("h1", "n1", "n2", "l1"), view.queuedInOrder("default"));
        long v1 = view.queueVersion();
        assertTrue(v1 > v0, "new requests move the queue");

        view.apply(JobEvent.running("h1", 1, T0.plusSeconds(5), "w", null));
        assertEquals(List.of("n1", "n2", "l1"), view.queuedInOrder("default"));
        long v2 = view.queueVersion();
        assertTrue(v2 > v1, "a job that starts leaves the queue");
        view.apply(progress("h1", 2, 10));
        assertEquals(v2, view.queueVersion(), "progress ticks do not move the queue");
        view.apply(ControlMessage.cancel("n1", T0.plusSeconds(6), "alice"));
        assertEquals(List.of("n2", "l1"), view.queuedInOrder("default"));
        assertTrue(view.queueVersion() > v2, "a cancel request takes a job out of the queue");
    }

    @Test
    void eachPoolHasItsOwnQueueAndAForwardedRecordMovesTheJobToItsPool() {
        view.apply(laneRequest("d1", 1, null));
        view.apply(laneRequest("g1", 2, null).withPool("large"));
        view.apply(laneRequest("d2", 3, null).withPool("default"));
        view.apply(laneRequest("g2", 4, dev.ist.common.job.Priority.HIGH).withPool("large"));
        assertEquals(List.of("d1", "d2"), view.queuedInOrder("default"));
        assertEquals(List.of("g2", "g1"), view.queuedInOrder("large"));
        QueueEstimator estimator = new QueueEstimator(view);
        assertEquals(1, estimator.queue(view.find("g2").orElseThrow()).position());
        assertEquals(2, estimator.queue(view.find("d2").orElseThrow()).position(),
                "only d1 is ahead of d2: the large pool's jobs are not");

        // a worker forwarded d1 to pool large: the record with the higher forward count wins; a re-read of the
        // original (count 0) does not move it back
        long before = view.queueVersion();
        assertTrue(view.apply(laneRequest("d1", 1, null).withPool("large"), 1));
        assertFalse(view.apply(laneRequest("d1", 1, null), 0));
        assertTrue(view.queueVersion() > before);
        assertEquals(List.of("d2"), view.queuedInOrder("default"));
        assertEquals(List.of("g2", "d1", "g1"), view.queuedInOrder("large"));
        assertEquals(4, new QueueEstimator(view).all().size(), "all() covers every pool");
    }

    @Test
    void aQueuedJobsEtaAddsUpTheQuotesAheadScaledByHowFinishedJobsComparedWithTheirs() {
        view.apply(laneRequest("q1", 1, null).withQuotedSeconds(600.0));
        view.apply(laneRequest("q2", 2, null).withQuotedSeconds(60.0));
        QueueEstimator estimator = new QueueEstimator(view);
        assertEquals(600L, estimator.queue(view.find("q1").orElseThrow()).etaSeconds(),
                "before any job finished a quote counts as it is");
        assertEquals(660L, estimator.queue(view.find("q2").orElseThrow()).etaSeconds(),
                "a 10-minute job ahead counts as 10 minutes");
        view.apply(laneRequest("q3", 3, null));
        assertNull(estimator.queue(view.find("q3").orElseThrow()).etaSeconds(),
                "a job without a quote has no ETA until a first job has finished");

        // one finished job took twice its quote: every quote is read as twice as long, the unquoted job as the mean
        view.apply(laneRequest("done", 0, null).withQuotedSeconds(10.0));
        view.apply(JobEvent.running("done", 1, T0.plusSeconds(4), "w", null));
        view.apply(JobEvent.succeeded("done", 2, T0.plusSeconds(24), "w", null, "jobs/done/result.png", null,
                Map.of("total", 20_000L)));
        assertEquals(2.0, view.throughput().quoteCalibration(), 1e-9);
        assertEquals(1200L, estimator.queue(view.find("q1").orElseThrow()).etaSeconds());
        assertEquals(1320L, estimator.queue(view.find("q2").orElseThrow()).etaSeconds());
        assertEquals(1340L, estimator.queue(view.find("q3").orElseThrow()).etaSeconds(), "1320 s ahead + the 20 s mean");
        Map<String, QueueEstimator.Queue> all = estimator.all();
        assertEquals(List.of(1200L, 1320L, 1340L), List.of(all.get("q1").etaSeconds(), all.get("q2").etaSeconds(),
                all.get("q3").etaSeconds()), "one pass over the queue agrees");
    }

    @Test
    void aForwardNoteRestatesQueuedWithoutChangingTheState() {
        view.apply(laneRequest("f1", 1, null));
        view.apply(JobEvent.queued("f1", T0));
        JobEvent note = new JobEvent(JobEvent.SCHEMA_VERSION, "f1", 0, T0.plusSeconds(2), "w-small",
                dev.ist.common.event.EventType.QUEUED, null, null, null,
                new dev.ist.common.event.Failure(null, "forwarded to pool large"), null);
        assertTrue(view.apply(note), "the note is new");
        assertFalse(view.apply(note), "and applied once");
        JobSnapshot s = view.find("f1").orElseThrow();
        assertEquals(JobState.QUEUED, s.state());
        view.apply(JobEvent.running("f1", 1, T0.plusSeconds(3), "w-large", null));
        assertEquals(JobState.RUNNING, view.find("f1").orElseThrow().state());
        JobEvent late = new JobEvent(JobEvent.SCHEMA_VERSION, "f1", 0, T0.plusSeconds(4), "w-other",
                dev.ist.common.event.EventType.QUEUED, null, null, null,
                new dev.ist.common.event.Failure(null, "late note"), null);
        assertFalse(view.apply(late), "a note after the job started is not taken");
        assertEquals(JobState.RUNNING, view.find("f1").orElseThrow().state());
    }
}
