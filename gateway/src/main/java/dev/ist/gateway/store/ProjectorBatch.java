package dev.ist.gateway.store;

import dev.ist.common.Topics;
import dev.ist.common.capacity.JobForwards;
import dev.ist.common.capacity.WorkerPool;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies one poll's records and their offsets in one transaction, the events grouped per job ({@link EventBatch}). When the transaction fails for the data's sake
 * (the database itself is fine), the records are applied one per transaction instead and the one that fails is
 * skipped: a record that cannot be applied is logged once, counted and passed over, never a wedge.
 */
final class ProjectorBatch {

    private static final Logger LOG = Logger.getLogger(ProjectorBatch.class);

    private final Topics topics;
    private final Database db;
    private final JobProjection projection;
    private final ProjectorMetrics metrics;
    private final JsonCodec codec = JsonCodec.shared();
    private boolean outage;

    ProjectorBatch(Topics topics, Database db, JobProjection projection, ProjectorMetrics metrics) {
        this.topics = topics;
        this.db = db;
        this.projection = projection;
        this.metrics = metrics;
    }

    /** Whether the records were applied (or skipped) and their offsets committed; false: retry them later. */
    boolean apply(ConsumerRecords<String, byte[]> records) {
        List<String> skips = new ArrayList<>();
        Timer.Sample sample = Timer.start();
        try {
            db.inTransaction(c -> {
                EventBatch events = new EventBatch(projection);
                for (ConsumerRecord<String, byte[]> r : records) {
                    applyBatched(c, r, events, skips);
                }
                events.flush(c);
                ProjectorOffsets.write(c, nextOffsets(records));
                return null;
            });
        } catch (JobStoreUnavailableException e) {
            if (isTransient(e)) {
                noteOutage(e);
                return false;
            }
            return applyOneByOne(records);
        } catch (RuntimeException e) {
            return applyOneByOne(records); // a row this code cannot read: find the record and pass over it
        }
        sample.stop(metrics.batchTimer());
        endOutage();
        report(skips);
        metrics.applied(records.count() - skips.size());
        return true;
    }

    private boolean applyOneByOne(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            Map<TopicPartition, Long> next = Map.of(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
            List<String> skips = new ArrayList<>();
            try {
                db.inTransaction(c -> {
                    applyOne(c, r, skips);
                    ProjectorOffsets.write(c, next);
                    return null;
                });
                report(skips);
                metrics.applied(1 - skips.size());
            } catch (RuntimeException e) {
                if (e instanceof JobStoreUnavailableException u && isTransient(u)) {
                    noteOutage(u);
                    return false;
                }
                try {
                    db.inTransaction(c -> {
                        ProjectorOffsets.write(c, next);
                        return null;
                    });
                } catch (JobStoreUnavailableException again) {
                    noteOutage(again);
                    return false;
                }
                report(List.of("unappliable: record at " + where(r) + " could not be applied ("
                        + (e.getCause() == null ? e : e.getCause()).getMessage() + ")"));
            }
        }
        endOutage();
        return true;
    }

    /** Like {@link #applyOne}, but the events (other than a worker's forward note) wait for a flush. */
    private void applyBatched(Connection c, ConsumerRecord<String, byte[]> r, EventBatch events, List<String> skips)
            throws SQLException {
        if (!r.topic().equals(topics.events())) {
            applyOne(c, r, skips);
            return;
        }
        try {
            JobEvent e = codec.decodeEvent(r.value());
            if (JobProjection.mayBeForwardNote(e)) {
                projection.applyEvent(c, e);
            } else {
                events.add(e);
            }
        } catch (InvalidMessageException | IllegalArgumentException e) {
            skips.add("undecodable: record at " + where(r) + " (" + e.getMessage() + ")");
        }
    }

    private void applyOne(Connection c, ConsumerRecord<String, byte[]> r, List<String> skips) throws SQLException {
        try {
            if (r.topic().equals(topics.events())) {
                projection.applyEvent(c, codec.decodeEvent(r.value()));
            } else if (r.topic().equals(topics.control())) {
                projection.applyControl(c, codec.decodeControl(r.value()));
            } else if (isJobsTopic(r.topic())) {
                Header forwards = r.headers().lastHeader(JobForwards.HEADER);
                projection.applyRequest(c, codec.decodeRequest(r.value()),
                        forwards == null ? 0 : JobForwards.parse(forwards.value()));
            }
        } catch (InvalidMessageException | IllegalArgumentException e) {
            skips.add("undecodable: record at " + where(r) + " (" + e.getMessage() + ")");
        }
    }

    private boolean isJobsTopic(String topic) {
        String pool = topics.poolOfJobsTopic(topic);
        return pool != null && (topics.isJobsTopic(topic) || !WorkerPool.isDefault(pool));
    }

    private static Map<TopicPartition, Long> nextOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> list = records.records(tp);
            next.put(tp, list.get(list.size() - 1).offset() + 1);
        }
        return next;
    }

    /** Connection trouble, shutdown, exhaustion or a serialization conflict: the same records succeed later. */
    static boolean isTransient(JobStoreUnavailableException e) {
        if (!(e.getCause() instanceof SQLException sql)) {
            return true;
        }
        String state = sql.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57") || state.startsWith("53")
                || state.startsWith("40") || state.startsWith("58");
    }

    private void report(List<String> skips) {
        for (String skip : skips) {
            LOG.warnf("projector skipped a record, %s", skip);
            metrics.skipped(skip.substring(0, skip.indexOf(':')));
        }
    }

    private void noteOutage(JobStoreUnavailableException e) {
        if (!outage) {
            outage = true;
            LOG.warnf("job database unavailable; the projector retries the same records: %s", e.getMessage());
        }
    }

    private void endOutage() {
        if (outage) {
            outage = false;
            LOG.info("job database available again; the projector catches up from its stored offsets");
        }
    }

    private static String where(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }
}
