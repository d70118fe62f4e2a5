package dev.ist.gateway.store;

import dev.ist.common.Topics;
import dev.ist.gateway.support.FreshProjection;
import dev.ist.testkit.PostgresServer;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The projector's offsets commit with its rows: a projector halted in the middle of a transaction (its connection
 * cut, its thread gone) and replaced by a fresh one of the same group leaves exactly the rows that a projection of
 * the same topics from offset 0 into an empty database produces. Real broker, real PostgreSQL.
 */
class ProjectorCrashTest {

    @Test
    void aProjectorHaltedMidTransactionThenReplacedEndsWithTheRowsOfAFreshProjectionFromOffsetZero() throws Exception {
        Topics topics = TopicHistory.newTopics("crash");
        PostgresServer pg = PostgresServer.shared();
        DataSource db = FreshProjection.newDatabase(pg, "crash");
        HaltingDataSource halting = new HaltingDataSource(db);
        String group = "crash-" + UUID.randomUUID();

        TopicHistory.write(topics, "alice", 15, 6);
        JobProjector halted = FreshProjection.projectorOn(halting.dataSource(), topics, group);
        try {
            assertTrue(halted.awaitCaughtUp(90, TimeUnit.SECONDS), "the first projector catches up");
            halting.armAfter(120); // well inside the records written next
            TopicHistory.write(topics, "bob", 30, 6);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (halted.isAlive() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(1, halting.halts(), "the projector was halted mid-transaction once");
        } finally {
            halted.close();
        }

        DataSource reference = FreshProjection.newDatabase(pg, "crash_reference");
        try (JobProjector replacement = FreshProjection.projectorOn(db, topics, group);
             JobProjector fromZero = FreshProjection.projectorOn(reference, topics, "reference-" + UUID.randomUUID())) {
            assertTrue(replacement.awaitCaughtUp(90, TimeUnit.SECONDS), "the replacement catches up");
            assertTrue(fromZero.awaitCaughtUp(90, TimeUnit.SECONDS), "the projection from offset 0 catches up");
            List<String> expected = TableDump.of(reference);
            List<String> actual = TableDump.of(db);
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                assertEquals(expected.get(i), actual.get(i), "row " + i);
            }
            assertEquals(expected.size(), actual.size(), "rows");
            assertTrue(replacement.metrics().appliedSoFar() < fromZero.metrics().appliedSoFar(),
                    "the replacement resumed at the stored offsets (" + replacement.metrics().appliedSoFar()
                            + " records) instead of reading everything again (" + fromZero.metrics().appliedSoFar()
                            + ")");
        }
        assertEquals(45, FreshProjection.storeOn(db).count("alice", null) + FreshProjection.storeOn(db).count("bob", null));
    }
}
