package dev.ist.worker.runtime;

import dev.ist.common.IstConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerConfigTest {

    private static final Map<String, String> CREDENTIALS = Map.of("ist.s3.access-key", "a", "ist.s3.secret-key", "s");

    @Test
    void defaultsAreTheDocumentedOnes() {
        WorkerConfig c = WorkerConfig.from(IstConfig.of(CREDENTIALS));
        assertEquals("127.0.0.1:9092", c.bootstrapServers());
        assertEquals("ist.jobs", c.topics().jobs());
        assertEquals("ist.control", c.topics().control());
        assertEquals("ist-workers", c.groupId());
        assertEquals(9400, c.metricsPort());
        assertEquals(50, c.checkpointEvery());
        assertEquals(1, c.progressEveryIterations());
        assertEquals(Duration.ofMillis(500), c.progressMinInterval());
        assertEquals(25, c.previewEvery());
        assertEquals(256, c.previewSize());
        assertEquals(Duration.ofSeconds(30), c.shutdownGrace());
        assertEquals("auto", c.device());
        assertEquals("ist", c.storage().bucket());
        assertTrue(c.randomWeights().isEmpty(), "never random unless asked");
        assertTrue(c.workerId().endsWith("-" + ProcessHandle.current().pid()));
    }

    @Test
    void fleetKeysHaveSafeDefaultsAndAreChecked() {
        WorkerConfig c = WorkerConfig.from(IstConfig.of(CREDENTIALS));
        assertEquals(3, c.maxJobAttempts());
        assertEquals("127.0.0.1", c.metricsBindAddress(), "loopback unless asked");
        assertTrue(c.groupInstanceId().isEmpty(), "no static membership without a stable name");
        assertEquals(512L << 20, c.memoryMargin());
        assertTrue(c.memoryLimitBytes().isEmpty());
        assertEquals(Duration.ofDays(7), c.jobObjectRetention());
        assertEquals(Duration.ofHours(1), c.janitorInterval());

        Map<String, String> set = new java.util.HashMap<>(CREDENTIALS);
        set.put("ist.worker.group-instance-id", " ");
        set.put("ist.worker.memory-limit-bytes", "1073741824");
        WorkerConfig d = WorkerConfig.from(IstConfig.of(set));
        assertTrue(d.groupInstanceId().isEmpty(), "a blank id is no id");
        assertEquals(java.util.Optional.of(1L << 30), d.memoryLimitBytes());

        set.put("ist.worker.max-job-attempts", "0");
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.from(IstConfig.of(set)));
        set.put("ist.worker.max-job-attempts", "3");
        set.put("ist.worker.memory-limit-bytes", "lots");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.from(IstConfig.of(set)));
        assertTrue(e.getMessage().contains("ist.worker.memory-limit-bytes"), e.getMessage());
    }

    @Test
    void threadsHaveOneKeyAndTheOldWorkerKeyIsOnlyAnAlias() {
        Map<String, String> both = new java.util.HashMap<>(CREDENTIALS);
        both.put("ist.worker.threads", "3");
        assertEquals(3, WorkerConfig.from(IstConfig.of(both)).threads(), "the deprecated key still works alone");
        both.put("ist.engine.threads", "5");
        WorkerConfig c = WorkerConfig.from(IstConfig.of(both));
        assertEquals(5, c.threads(), "ist.engine.threads wins");
        assertEquals(5, c.engineSettings().threads());
        assertEquals(0, WorkerConfig.from(IstConfig.of(CREDENTIALS)).engineSettings().threads());
    }

    @Test
    void fastPathKeysAreWorkerConfiguration() {
        Map<String, String> m = new java.util.HashMap<>(CREDENTIALS);
        assertEquals(4, WorkerConfig.from(IstConfig.of(m)).modelCacheEntries());
        assertEquals(256L << 20, WorkerConfig.from(IstConfig.of(m)).maxModelBytes());
        m.put("ist.worker.model-cache-entries", "2");
        m.put("ist.worker.max-model-bytes", "1000");
        WorkerConfig c = WorkerConfig.from(IstConfig.of(m));
        assertEquals(2, c.modelCacheEntries());
        assertEquals(1000, c.maxModelBytes());
        m.put("ist.worker.model-cache-entries", "0");
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.from(IstConfig.of(m)));
    }

    @Test
    void environmentStyleKeysAreRead() {
        IstConfig env = new IstConfig(Map.of(), k -> null, Map.of(
                "IST_S3_ACCESS_KEY", "a", "IST_S3_SECRET_KEY", "s",
                "IST_WORKER_CHECKPOINT_EVERY", "7", "IST_WORKER_PROGRESS_MIN_INTERVAL", "2s",
                "IST_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "IST_WORKER_RANDOM_WEIGHTS", "3")::get);
        WorkerConfig c = WorkerConfig.from(env);
        assertEquals(7, c.checkpointEvery());
        assertEquals(Duration.ofSeconds(2), c.progressMinInterval());
        assertEquals("kafka:9092", c.bootstrapServers());
        assertEquals("3", c.randomWeights().orElseThrow());
    }

    @Test
    void refusesContradictoryOrOutOfRangeSettings() {
        Map<String, String> both = new java.util.HashMap<>(CREDENTIALS);
        both.put("ist.worker.weights", "/w.pth");
        both.put("ist.worker.random-weights", "1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.from(IstConfig.of(both)));
        assertTrue(e.getMessage().contains("not both"));
        Map<String, String> badPreview = new java.util.HashMap<>(CREDENTIALS);
        badPreview.put("ist.worker.preview-size", "5");
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.from(IstConfig.of(badPreview)));
        Map<String, String> notANumber = new java.util.HashMap<>(CREDENTIALS);
        notANumber.put("ist.worker.checkpoint-every", "often");
        e = assertThrows(IllegalArgumentException.class, () -> WorkerConfig.from(IstConfig.of(notANumber)));
        assertTrue(e.getMessage().contains("IST_WORKER_CHECKPOINT_EVERY"), e.getMessage());
    }

    @Test
    void precisionDefaultsToAutoAndIsChecked() {
        assertEquals(dev.ist.common.job.Precision.AUTO, WorkerConfig.from(IstConfig.of(CREDENTIALS)).precision());
        Map<String, String> set = new java.util.HashMap<>(CREDENTIALS);
        set.put("ist.worker.precision", "bf16");
        assertEquals(dev.ist.common.job.Precision.BF16, WorkerConfig.from(IstConfig.of(set)).precision());
        set.put("ist.worker.precision", "half");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.from(IstConfig.of(set)));
        assertTrue(e.getMessage().contains("ist.worker.precision") && e.getMessage().contains("half"), e.getMessage());
    }

    @Test
    void thePoolDecidesTheJobsTopicsAndTheGroupAndABadNameIsRefusedAtStart() {
        WorkerConfig d = WorkerConfig.from(IstConfig.of(CREDENTIALS));
        assertEquals("default", d.pool());
        assertEquals(d.topics(), d.jobTopics(), "the default pool reads the jobs topics themselves");
        assertEquals(3, d.maxJobForwards());

        Map<String, String> set = new java.util.HashMap<>(CREDENTIALS);
        set.put("ist.worker.pool", "large");
        WorkerConfig large = WorkerConfig.from(IstConfig.of(set));
        assertEquals("ist.jobs.pool.large", large.jobTopics().jobs());
        assertEquals(java.util.List.of("ist.jobs.pool.large.high", "ist.jobs.pool.large", "ist.jobs.pool.large.low"),
                large.jobTopics().jobLanes());
        assertEquals("ist.events", large.jobTopics().events(), "events, control and dead letters are shared");
        assertEquals("ist-workers-large", large.groupId(), "a group per pool");
        set.put("ist.worker.group-id", "mine");
        assertEquals("mine", WorkerConfig.from(IstConfig.of(set)).groupId());

        set.put("ist.worker.pool", "Large Pool");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.from(IstConfig.of(set)));
        assertTrue(e.getMessage().contains("ist.worker.pool") && e.getMessage().contains("Large Pool"),
                e.getMessage());
    }
}
