package dev.ist.gateway.store;

import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.EventType;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.LaneSchedule;
import dev.ist.common.job.Priority;
import dev.ist.common.job.StyleRef;
import dev.ist.gateway.support.FreshProjection;
import dev.ist.testkit.PostgresServer;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The projection's rules, applied to a real PostgreSQL database (one fresh database per test). */
class JobProjectionTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final DataSource ds = FreshProjection.newDatabase(PostgresServer.shared(), "projection");
    private final Database db = new Database(ds);
    private final JobProjection projection = new JobProjection(16);
    private final JobStore store = new JobStore(db, projection, StoreMetrics.unregistered());

    private boolean apply(JobEvent e) {
        return db.inTransaction(c -> projection.applyEvent(c, e));
    }

    private boolean apply(JobRequest r, int forwards) {
        return db.inTransaction(c -> projection.applyRequest(c, r, forwards));
    }

    private void apply(ControlMessage m) {
        db.inTransaction(c -> projection.applyControl(c, m));
    }

    private static JobRequest request(String id, int secondsAfter, Priority lane) {
        ImageRef img = new ImageRef("a".repeat(64));
        return JobRequest.of(id, T0.plusSeconds(secondsAfter), img, List.of(new StyleRef(img, 1)),
                JobOptions.defaults(), "alice").withPriority(lane);
    }

    private static JobEvent progress(String id, long seq, int it) {
        return JobEvent.progress(id, seq, T0.plusSeconds(seq), "w", new Progress(it, 100, 0, 1, 8, 8,
                new Losses(1, 2, 0, 3), 10, "jobs/" + id + "/previews/" + it));
    }

    private QueueEstimator estimator() {
        return new QueueEstimator(store, LaneSchedule.DEFAULT_WEIGHTS);
    }

    @Test
    void eventsAreAppliedOncePerSequenceNumberWhateverTheDeliveryOrder() {
        String id = UUID.randomUUID().toString();
        JobEvent running = JobEvent.running(id, 1, T0, "w", null);
        assertTrue(apply(running), "events before their request are kept");
        assertTrue(store.find(id).isEmpty(), "a job exists once its request is known");
        assertTrue(apply(request(id, 0, null), 0));
        assertFalse(apply(JobEvent.queued(id, T0)), "the request stated QUEUED already (seq 0)");
        assertFalse(apply(running), "a redelivered event is ignored");
        assertTrue(apply(progress(id, 2, 40)));
        assertFalse(apply(progress(id, 2, 40)));

        JobSnapshot s = store.find(id).orElseThrow();
        assertEquals(JobState.RUNNING, s.state());
        assertEquals(2, s.lastSeq());
        assertEquals(40, s.progress().iteration());
        assertEquals(1, store.inFlight("alice"));
    }

    @Test
    void theRequestAloneGivesTheJobItsQueuedEventSoNoGatewayNeedsToWriteOne() {
        String id = UUID.randomUUID().toString();
        apply(request(id, 7, null), 0);

        assertEquals(List.of(JobEvent.queued(id, T0.plusSeconds(7))), store.eventsAfter(id, -1),
                "the seq-0 QUEUED event an admitting replica stores, derived from the request");
        assertEquals(JobState.QUEUED, store.find(id).orElseThrow().state());
        assertFalse(apply(request(id, 7, null), 0), "a redelivered request changes nothing");
        assertEquals(1, store.eventsAfter(id, -1).size());
    }

    @Test
    void aFinishedJobIsNotRevivedByALateEvent() {
        String id = UUID.randomUUID().toString();
        apply(request(id, 0, null), 0);
        apply(JobEvent.failed(id, 3, T0, "w", new Failure(ErrorCode.OUT_OF_MEMORY, "smaller"), Map.of("total", 5L)));
        apply(progress(id, 4, 50));
        JobSnapshot s = store.find(id).orElseThrow();
        assertEquals(JobState.FAILED, s.state());
        assertEquals(ErrorCode.OUT_OF_MEMORY, s.failure().code());
        assertEquals(5L, s.timingsMs().get("total"));
        assertEquals(0, store.inFlight("alice"));
    }

    @Test
    void aFinishedJobKeepsASummaryNotItsHistory() {
        String id = UUID.randomUUID().toString();
        apply(request(id, 0, null), 0);
        apply(JobEvent.queued(id, T0));
        apply(JobEvent.running(id, 1, T0, "w", null));
        for (int seq = 2; seq < 12; seq++) {
            apply(progress(id, seq, seq));
        }
        apply(JobEvent.succeeded(id, 12, T0, "w", null, "jobs/" + id + "/result.png", null, Map.of()));
        assertFalse(apply(progress(id, 5, 5)), "a tick redelivered after the end stays out");

        assertEquals(List.of(0L, 1L, 11L, 12L), store.eventsAfter(id, -1).stream().map(JobEvent::seq).toList());
        assertEquals(11, store.find(id).orElseThrow().progress().iteration());
        assertEquals("jobs/" + id + "/previews/11", store.find(id).orElseThrow().previewKey());
    }

    @Test
    void oldProgressTicksAreDroppedBeyondTheCapButLifecycleEventsStay() {
        String id = UUID.randomUUID().toString();
        apply(request(id, 0, null), 0);
        apply(JobEvent.queued(id, T0));
        apply(JobEvent.running(id, 1, T0, "w", null));
        for (int seq = 2; seq < 40; seq++) {
            apply(progress(id, seq, seq));
        }
        assertFalse(apply(progress(id, 3, 3)), "a redelivered, already trimmed tick stays out");
        List<JobEvent> kept = store.eventsAfter(id, -1);
        assertEquals(16, kept.size());
        assertEquals(0, kept.get(0).seq());
        assertEquals(1, kept.get(1).seq());
        assertEquals(39, kept.get(kept.size() - 1).seq());
    }

    @Test
    void cancelRequestsAndCountsByStateAreVisible() {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        apply(request(a, 0, null), 0);
        apply(request(b, 1, null), 0);
        apply(JobEvent.cancelled(b, 1, T0, "w", "user"));
        apply(ControlMessage.cancel(a, T0, "alice"));
        assertTrue(store.find(a).orElseThrow().cancelRequested());
        assertEquals(1, store.countByState().get(JobState.QUEUED));
        assertEquals(1, store.countByState().get(JobState.CANCELLED));
        assertEquals(List.of(a), store.list("alice", JobState.QUEUED, null, 0, 10).stream()
                .map(JobSnapshot::jobId).toList());
    }

    @Test
    void queuedJobsAreOrderedByTheLaneScheduleAndLeaveTheQueueWhenTheyStartOrAreCancelled() {
        apply(request("n1", 1, Priority.NORMAL), 0);
        apply(request("l1", 2, Priority.LOW), 0);
        apply(request("n2", 3, null), 0); // a record from before lanes: NORMAL
        apply(request("h1", 4, Priority.HIGH), 0);
        assertEquals(List.of(1, 2, 3, 4), positions("h1", "n1", "n2", "l1"));

        apply(JobEvent.running("h1", 1, T0.plusSeconds(5), "w", null));
        apply(ControlMessage.cancel("n1", T0.plusSeconds(6), "alice"));
        Map<String, QueueEstimator.Queue> all = estimator().all();
        assertEquals(2, all.size());
        assertEquals(1, all.get("n2").position());
        assertEquals(2, all.get("l1").position());
    }

    @Test
    void eachPoolHasItsOwnQueueAndAForwardedRecordMovesTheJobToItsPool() {
        apply(request("d1", 1, null), 0);
        apply(request("g1", 2, null).withPool("large"), 0);
        apply(request("d2", 3, null).withPool("default"), 0);
        apply(request("g2", 4, Priority.HIGH).withPool("large"), 0);
        assertEquals(1, estimator().queue(store.find("g2").orElseThrow()).position());
        assertEquals(2, estimator().queue(store.find("d2").orElseThrow()).position(),
                "only d1 is ahead of d2: the large pool's jobs are not");

        // a worker forwarded d1 to pool large: the higher forward count wins; a re-read of the original does not
        assertTrue(apply(request("d1", 1, null).withPool("large"), 1));
        assertFalse(apply(request("d1", 1, null), 0));
        assertEquals(1, estimator().queue(store.find("d2").orElseThrow()).position());
        assertEquals(2, estimator().queue(store.find("d1").orElseThrow()).position());
        assertEquals(4, estimator().all().size(), "all() covers every pool");
    }

    @Test
    void aQueuedJobsEtaAddsUpTheQuotesAheadScaledByHowFinishedJobsComparedWithTheirs() {
        apply(request("q1", 1, null).withQuotedSeconds(600.0), 0);
        apply(request("q2", 2, null).withQuotedSeconds(60.0), 0);
        assertEquals(600L, estimator().queue(store.find("q1").orElseThrow()).etaSeconds());
        assertEquals(660L, estimator().queue(store.find("q2").orElseThrow()).etaSeconds());
        apply(request("q3", 3, null), 0);
        assertNull(estimator().queue(store.find("q3").orElseThrow()).etaSeconds(),
                "a job without a quote has no ETA until a first job has finished");

        // one finished job took twice its quote: every quote is read as twice as long, the unquoted job as the mean
        apply(request("done", 0, null).withQuotedSeconds(10.0), 0);
        apply(JobEvent.running("done", 1, T0.plusSeconds(4), "w", null));
        apply(JobEvent.succeeded("done", 2, T0.plusSeconds(24), "w", null, "jobs/done/result.png", null,
                Map.of("total", 20_000L)));
        assertEquals(1200L, estimator().queue(store.find("q1").orElseThrow()).etaSeconds());
        assertEquals(1320L, estimator().queue(store.find("q2").orElseThrow()).etaSeconds());
        assertEquals(1340L, estimator().queue(store.find("q3").orElseThrow()).etaSeconds(),
                "1320 s ahead + the 20 s mean");
    }

    @Test
    void aForwardNoteRestatesQueuedWithoutChangingTheState() {
        apply(request("f1", 1, null), 0);
        apply(JobEvent.queued("f1", T0));
        JobEvent note = new JobEvent(JobEvent.SCHEMA_VERSION, "f1", 0, T0.plusSeconds(2), "w-small",
                EventType.QUEUED, null, null, null, new Failure(null, "forwarded to pool large"), null);
        assertTrue(apply(note), "the note is new");
        assertFalse(apply(note), "and applied once");
        assertEquals(JobState.QUEUED, store.find("f1").orElseThrow().state());
        apply(JobEvent.running("f1", 1, T0.plusSeconds(3), "w-large", null));
        JobEvent late = new JobEvent(JobEvent.SCHEMA_VERSION, "f1", 0, T0.plusSeconds(4), "w-other",
                EventType.QUEUED, null, null, null, new Failure(null, "late note"), null);
        assertFalse(apply(late), "a note after the job started is not taken");
        assertEquals(JobState.RUNNING, store.find("f1").orElseThrow().state());
    }

    @Test
    void theListPagesByCursorWithoutGapsOrRepeatsWhileJobsAreAdded() {
        List<String> originals = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            originals.add(UUID.randomUUID().toString());
            apply(request(originals.get(i), i % 5, null), 0); // equal submission times: the id decides
        }
        List<String> walked = new ArrayList<>();
        ListCursor cursor = null;
        do {
            List<JobSnapshot> page = store.list("alice", null, cursor, 0, 7);
            page.forEach(s -> walked.add(s.jobId()));
            cursor = page.size() < 7 ? null : store.cursorAfter(page.get(page.size() - 1).jobId());
            apply(request(UUID.randomUUID().toString(), 100, null), 0); // newer jobs land before the cursor
        } while (cursor != null);
        List<String> expected = store.list("alice", null, null, 0, 100).stream().map(JobSnapshot::jobId)
                .filter(walked::contains).toList();
        assertEquals(new java.util.HashSet<>(originals), new java.util.HashSet<>(walked));
        assertEquals(expected, walked, "newest first, then by id, each once");
        assertEquals(walked.stream().distinct().count(), walked.size());
        int all = store.count("alice", null);
        assertTrue(all > 25);
        assertEquals(all, store.count("alice", null, all + 1), "under the bound the count is exact");
        assertEquals(10, store.count("alice", null, 10), "a list call counts no further than its bound");
    }

    @Test
    void twoDeadlineSweepsCancelEachOverdueJobOnceAndRetentionDeletesOnlyOldFinishedJobs() throws Exception {
        List<String> cancels = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 30; i++) {
            apply(request("late-" + i, 0, null).withDeadline(T0.plusSeconds(1)), 0);
        }
        Clock later = Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC);
        DeadlineSweep one = new DeadlineSweep(new Database(ds), m -> cancels.add(m.jobId()), later);
        DeadlineSweep two = new DeadlineSweep(new Database(ds), m -> cancels.add(m.jobId()), later);
        Thread a = new Thread(one);
        Thread b = new Thread(two);
        a.start();
        b.start();
        a.join();
        b.join();
        assertEquals(30, cancels.size());
        assertEquals(30, cancels.stream().distinct().count(), "no job cancelled twice");
        assertTrue(store.find("late-0").orElseThrow().cancelRequested());

        apply(JobEvent.succeeded("late-0", 1, T0, "w", null, "jobs/late-0/result.png", null, Map.of()));
        apply(JobEvent.succeeded("late-1", 1, T0.plus(Duration.ofDays(8)), "w", null, "jobs/late-1/r.png", null,
                Map.of()));
        new RetentionSweep(db, Duration.ofDays(7), Clock.fixed(T0.plus(Duration.ofDays(9)), ZoneOffset.UTC)).run();
        assertTrue(store.find("late-0").isEmpty(), "finished more than 7 days ago: deleted");
        assertTrue(store.find("late-1").isPresent(), "finished a day ago: kept");
        assertTrue(store.find("late-2").isPresent(), "unfinished: kept");
        assertTrue(store.eventsAfter("late-0", -1).isEmpty(), "its events went with it");
    }

    @Test
    void anAdmittedJobWhoseRequestNeverReachedKafkaIsDeletedAfterTheGraceButAPublishedOneStays() {
        JobRequest lost = request(UUID.randomUUID().toString(), 0, null);
        JobRequest published = request(UUID.randomUUID().toString(), 0, null);
        assertTrue(store.admit(lost, JobEvent.queued(lost.jobId(), T0), "k1"));
        assertTrue(store.admit(published, JobEvent.queued(published.jobId(), T0), "k2"));
        apply(published, 0); // the projector read it back from its jobs topic

        new RetentionSweep(db, Duration.ofDays(7), Clock.fixed(T0.plus(Duration.ofMinutes(30)), ZoneOffset.UTC)).run();
        assertTrue(store.find(lost.jobId()).isPresent(), "within the grace the publish may still be on its way");
        new RetentionSweep(db, Duration.ofDays(7), Clock.fixed(T0.plus(Duration.ofHours(2)), ZoneOffset.UTC)).run();
        assertTrue(store.find(lost.jobId()).isEmpty(), "a job no topic ever carried does not stay QUEUED forever");
        assertTrue(store.find(published.jobId()).isPresent());
    }

    private List<Integer> positions(String... ids) {
        List<Integer> out = new ArrayList<>();
        for (String id : ids) {
            out.add(estimator().queue(store.find(id).orElseThrow()).position());
        }
        return out;
    }
}
