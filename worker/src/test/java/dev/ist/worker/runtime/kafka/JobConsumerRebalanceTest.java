package dev.ist.worker.runtime.kafka;

import dev.ist.worker.runtime.job.JobControl;
import dev.ist.worker.runtime.job.JobOutcome;
import dev.ist.worker.runtime.job.JobMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poll loop's handling of a rebalance that takes the running job's partition, with Kafka's MockConsumer driving
 * the callbacks on the polling thread (a real broker cannot be told which partition to move).
 */
class JobConsumerRebalanceTest {

    private static final String TOPIC = "jobs";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    /** Every commit the worker makes (MockConsumer forgets commits of partitions it rebalances away). */
    private final Map<TopicPartition, Long> commits = new java.util.concurrent.ConcurrentHashMap<>();
    private final MockConsumer<String, byte[]> mock = new MockConsumer<>("earliest") {
        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            offsets.forEach((tp, o) -> commits.put(tp, o.offset()));
            super.commitSync(offsets);
        }
    };
    private JobConsumer jobs;

    private JobConsumer start(java.util.function.BiFunction<JobMessage, JobControl, JobOutcome> h) {
        JobConsumer.Settings settings = new JobConsumer.Settings("unused:9092", "g", "c", TOPIC, Duration.ofMillis(10),
                Duration.ofSeconds(6), Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(5));
        jobs = new JobConsumer(settings, mock, h::apply);
        mock.schedulePollTask(() -> {
            mock.rebalance(List.of(P0, P1));
            mock.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
            mock.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "job-a", new byte[0]));
        });
        jobs.start();
        return jobs;
    }

    @AfterEach
    void stop() {
        if (jobs != null) {
            jobs.close();
        }
    }

    @Test
    void revokingTheRunningJobsPartitionStopsItWithoutCommitAndTheOtherPartitionGoesOn() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean sawRevoke = new AtomicBoolean();
        CountDownLatch secondJobDone = new CountDownLatch(1);
        start((record, control) -> {
            if (record.key().equals("job-a")) {
                running.countDown();
                await(control::mustAbandon); // a running job stops at its next iteration
                sawRevoke.set(control.isRevoked());
                return JobOutcome.abandon("revoked");
            }
            secondJobDone.countDown();
            return JobOutcome.commit("done");
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        mock.schedulePollTask(() -> {
            mock.rebalance(List.of(P1));
            mock.addRecord(new ConsumerRecord<>(TOPIC, 1, 0, "job-b", new byte[0]));
        });

        assertTrue(secondJobDone.await(10, TimeUnit.SECONDS), "the remaining partition was resumed");
        assertTrue(sawRevoke.get(), "the job learned that its partition was revoked");
        await(() -> commits.containsKey(P1));
        assertEquals(1, commits.get(P1));
        assertNull(commits.get(P0), "the revoked job was not committed");
    }

    @Test
    void aJobWhoseTerminalEventIsOutWhenTheRevocationComesIsCommittedInsideTheCallback() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        start((record, control) -> {
            running.countDown();
            await(control::isRevoked);
            return JobOutcome.commit("terminal event was already acknowledged");
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        mock.schedulePollTask(() -> mock.rebalance(List.of(P1)));

        await(() -> commits.containsKey(P0));
        assertEquals(1, commits.get(P0));
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
