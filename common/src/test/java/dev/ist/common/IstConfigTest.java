package dev.ist.common;

import dev.ist.common.storage.StorageConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IstConfigTest {

    private static IstConfig config(Map<String, String> overrides, Map<String, String> props, Map<String, String> env) {
        return new IstConfig(overrides, props::get, env::get);
    }

    @Test
    void environmentNamesAreUpperCaseWithUnderscores() {
        assertEquals("IST_S3_ACCESS_KEY", IstConfig.envName("ist.s3.access-key"));
        assertEquals("IST_LIMITS_MAX_INPUT_PIXELS", IstConfig.envName("ist.limits.max-input-pixels"));
        assertEquals("IST_TOPICS_JOBS", IstConfig.envName("ist.topics.jobs"));
    }

    @Test
    void aKeyIsReadFromTheEnvironmentUnderItsEnvironmentName() {
        IstConfig c = config(Map.of(), Map.of(), Map.of("IST_S3_ACCESS_KEY", "from-env"));
        assertEquals("from-env", c.get("ist.s3.access-key", "default"));
    }

    @Test
    void overridesBeatSystemPropertiesWhichBeatTheEnvironmentWhichBeatsTheDefault() {
        String key = "ist.s3.bucket";
        Map<String, String> env = Map.of("IST_S3_BUCKET", "env");
        Map<String, String> props = Map.of(key, "prop");
        assertEquals("override", config(Map.of(key, "override"), props, env).get(key, "def"));
        assertEquals("prop", config(Map.of(), props, env).get(key, "def"));
        assertEquals("env", config(Map.of(), Map.of(), env).get(key, "def"));
        assertEquals("def", config(Map.of(), Map.of(), Map.of()).get(key, "def"));
        assertEquals("later", config(Map.of(key, "override"), props, env).withOverrides(Map.of(key, "later"))
                .get(key, "def"));
    }

    @Test
    void realSystemPropertiesAreRead() {
        String key = "ist.test.config-probe";
        System.setProperty(key, "  spaced  ");
        try {
            assertEquals("spaced", IstConfig.fromSystem().get(key, "def"));
        } finally {
            System.clearProperty(key);
        }
        assertEquals("def", IstConfig.fromSystem().get(key, "def"));
    }

    @Test
    void blankValuesCountAsUnset() {
        IstConfig c = config(Map.of(), Map.of(), Map.of("IST_WORKER_ID", "   "));
        assertFalse(c.get("ist.worker.id").isPresent());
        assertEquals("fallback", c.get("ist.worker.id", "fallback"));
    }

    @Test
    void numbersBooleansAndDurationsAreParsed() {
        IstConfig c = IstConfig.of(Map.of("ist.a.int", "42", "ist.a.long", "9000000000", "ist.a.double", "2.5",
                "ist.a.bool", "TRUE", "ist.a.ms", "500ms", "ist.a.s", "30s", "ist.a.m", "5m", "ist.a.h", "1h",
                "ist.a.iso", "PT2M3S", "ist.a.bare", "10"));
        assertEquals(42, c.getInt("ist.a.int", 0));
        assertEquals(9_000_000_000L, c.getLong("ist.a.long", 0));
        assertEquals(2.5, c.getDouble("ist.a.double", 0));
        assertTrue(c.getBoolean("ist.a.bool", false));
        assertEquals(Duration.ofMillis(500), c.getDuration("ist.a.ms", Duration.ZERO));
        assertEquals(Duration.ofSeconds(30), c.getDuration("ist.a.s", Duration.ZERO));
        assertEquals(Duration.ofMinutes(5), c.getDuration("ist.a.m", Duration.ZERO));
        assertEquals(Duration.ofHours(1), c.getDuration("ist.a.h", Duration.ZERO));
        assertEquals(Duration.ofSeconds(123), c.getDuration("ist.a.iso", Duration.ZERO));
        assertEquals(Duration.ofSeconds(10), c.getDuration("ist.a.bare", Duration.ZERO));
        assertEquals(Duration.ofDays(7), IstConfig.of(Map.of("ist.a.d", "7d")).getDuration("ist.a.d", Duration.ZERO),
                "days, as the gateway's 7d");
        assertEquals(7, c.getInt("ist.a.missing", 7));
    }

    @Test
    void invalidValuesFailNamingTheKeyItsEnvironmentNameAndTheValue() {
        IstConfig c = IstConfig.of(Map.of("ist.limits.max-size", "huge", "ist.s3.create-bucket", "yes",
                "ist.s3.timeout", "soon"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.getInt("ist.limits.max-size", 1));
        assertTrue(e.getMessage().contains("ist.limits.max-size"), e.getMessage());
        assertTrue(e.getMessage().contains("IST_LIMITS_MAX_SIZE"), e.getMessage());
        assertTrue(e.getMessage().contains("'huge'"), e.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> c.getBoolean("ist.s3.create-bucket", true));
        assertTrue(b.getMessage().contains("true or false"), b.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> c.getDuration("ist.s3.timeout", Duration.ZERO));
        assertTrue(d.getMessage().contains("ist.s3.timeout"), d.getMessage());
    }

    @Test
    void topicNamesHaveDefaultsAndCanBeRenamed() {
        assertEquals(new Topics("ist.jobs", "ist.events", "ist.jobs.dlq", "ist.control"),
                Topics.from(IstConfig.of(Map.of())));
        Topics renamed = Topics.from(config(Map.of(), Map.of("ist.topics.events", "prod.events"),
                Map.of("IST_TOPICS_JOBS", "prod.jobs")));
        assertEquals("prod.jobs", renamed.jobs());
        assertEquals("prod.events", renamed.events());
        assertEquals("ist.jobs.dlq", renamed.dlq());
    }

    @Test
    void storageSettingsAreReadFromTheEnvironment() {
        StorageConfig s = StorageConfig.from(config(Map.of(), Map.of(), Map.of(
                "IST_S3_ENDPOINT", "http://minio:9000",
                "IST_S3_ACCESS_KEY", "ak",
                "IST_S3_SECRET_KEY", "sk",
                "IST_S3_BUCKET", "images",
                "IST_S3_CREATE_BUCKET", "false",
                "IST_S3_RETRY_MAX_ATTEMPTS", "3",
                "IST_S3_RETRY_INITIAL_BACKOFF", "50ms",
                "IST_S3_TIMEOUT", "5s")));
        assertEquals("http://minio:9000", s.endpoint());
        assertEquals("ak", s.accessKey());
        assertEquals("sk", s.secretKey());
        assertEquals("images", s.bucket());
        assertFalse(s.createBucket());
        assertEquals(3, s.retry().maxAttempts());
        assertEquals(Duration.ofMillis(50), s.retry().initialBackoff());
        assertEquals(Duration.ofSeconds(5), s.timeout());
        assertEquals("us-east-1", s.region());
    }

    @Test
    void storageWithoutCredentialsIsAClearConfigurationError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StorageConfig.from(IstConfig.of(Map.of("ist.s3.endpoint", "http://x:9000"))));
        assertTrue(e.getMessage().contains("ist.s3.access-key"), e.getMessage());
    }
}
