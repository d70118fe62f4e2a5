package dev.ist.gateway.store;

import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.gateway.support.FreshProjection;
import dev.ist.testkit.PostgresServer;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch path (events grouped per job, ticks coalesced) leaves exactly the rows the per-record path leaves, for
 * any cut of the same records into polls: finished, running, over-the-cap, redelivered and late events included.
 */
class EventBatchTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int CAP = 16;

    @Test
    void everyCutIntoBatchesLeavesTheRowsOfThePerRecordPath() throws Exception {
        List<JobEvent> records = records();
        List<String> perRecord = project(records, 1, false);
        assertTrue(perRecord.size() > 20, "the reference holds rows");
        for (int batch : new int[] {1, 7, 64, records.size()}) {
            assertEquals(perRecord, project(records, batch, true), "batches of " + batch);
        }
    }

    private static List<String> project(List<JobEvent> records, int batch, boolean batched) throws Exception {
        DataSource ds = FreshProjection.newDatabase(PostgresServer.shared(), "batch");
        Database db = new Database(ds);
        JobProjection projection = new JobProjection(CAP);
        for (int from = 0; from < records.size(); from += batch) {
            List<JobEvent> poll = records.subList(from, Math.min(records.size(), from + batch));
            db.inTransaction(c -> {
                EventBatch events = new EventBatch(projection);
                for (JobEvent e : poll) {
                    if (!batched || JobProjection.mayBeForwardNote(e)) {
                        projection.applyEvent(c, e);
                    } else {
                        events.add(e);
                    }
                }
                events.flush(c);
                return null;
            });
        }
        return TableDump.of(ds);
    }

    /** Four jobs' events interleaved as partitions deliver them. */
    private static List<JobEvent> records() {
        List<List<JobEvent>> jobs = List.of(
                job("finished", 30, JobEvent.succeeded("finished", 32, at(32), "w1", tick("finished", 30).progress(),
                        "jobs/finished/result.png", null, Map.of("total", 900L, "upload", 3L))),
                job("running", 40, null),
                job("over-cap", 20, JobEvent.failed("over-cap", 22, at(22), "w2",
                        new Failure(ErrorCode.OUT_OF_MEMORY, "smaller"), Map.of("total", 5L))),
                redelivered());
        List<JobEvent> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            boolean any = false;
            for (List<JobEvent> j : jobs) {
                if (i < j.size()) {
                    out.add(j.get(i));
                    any = true;
                }
            }
            if (!any) {
                return out;
            }
        }
    }

    private static List<JobEvent> job(String id, int ticks, JobEvent end) {
        List<JobEvent> out = new ArrayList<>();
        out.add(JobEvent.queued(id, T0));
        out.add(JobEvent.running(id, 1, at(1), "w1", Map.of("queued", 10L)));
        for (int i = 1; i <= ticks; i++) {
            out.add(tick(id, i));
        }
        if (end != null) {
            out.add(end);
        }
        return out;
    }

    /** Redelivered ticks and lifecycle events, a tick that arrives after the end, a cancel. */
    private static List<JobEvent> redelivered() {
        String id = "redelivered";
        List<JobEvent> out = new ArrayList<>(job(id, 12, null));
        out.add(JobEvent.running(id, 1, at(1), "w1", Map.of("queued", 10L)));
        out.add(tick(id, 5));
        out.add(JobEvent.cancelled(id, 14, at(14), "w1", "asked"));
        out.add(tick(id, 12));
        out.add(tick(id, 13));
        out.add(JobEvent.cancelled(id, 14, at(14), "w1", "asked"));
        return out;
    }

    /** Tick {@code i} (seq i + 1); every fourth names a preview. */
    private static JobEvent tick(String id, int i) {
        return JobEvent.progress(id, i + 1, at(i + 1), "w1", new Progress(i, 100, 0, 1, 8, 8,
                new Losses(1.0 / i, 2, 0, 3), 10L * i, i % 4 == 0 ? "jobs/" + id + "/previews/" + i : null));
    }

    private static Instant at(long s) {
        return T0.plusSeconds(s);
    }
}
