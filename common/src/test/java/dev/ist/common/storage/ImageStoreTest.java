package dev.ist.common.storage;

import dev.ist.common.ObjectKeys;
import dev.ist.testkit.S3Server;
import dev.ist.testkit.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The image store against a real S3 API server (S3Proxy), through the MinIO SDK. */
class ImageStoreTest {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static final String JOB = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";

    private final S3Server s3 = S3Server.shared();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String bucket;
    private ImageStore store;

    @BeforeEach
    void openStore() {
        bucket = "ist-test-" + BUCKETS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        store = new ImageStore(configFor(s3, bucket));
        store.ensureBucket();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static StorageConfig configFor(S3Server server, String bucket) {
        return StorageConfig.of(server.endpoint(), server.accessKey(), server.secretKey(), bucket);
    }

    @Test
    void ensureBucketCreatesAMissingBucketAndIsHarmlessWhenItExists() {
        assertTrue(s3.bucketExists(bucket));
        store.ensureBucket();
        assertTrue(s3.bucketExists(bucket));
    }

    @Test
    void aStoreConfiguredFromIstSettingsReachesTheServer() {
        StorageConfig fromSettings = StorageConfig.from(dev.ist.common.IstConfig.of(s3.istConfig(bucket)));
        try (ImageStore configured = new ImageStore(fromSettings)) {
            String key = configured.putContentAddressed(new byte[]{4, 2}, "application/octet-stream").key();
            assertArrayEquals(new byte[]{4, 2}, store.get(key));
        }
    }

    @Test
    void ensureBucketRefusesToCreateWhenNotAllowed() {
        StorageConfig c = configFor(s3, bucket + "-absent");
        StorageConfig noCreate = new StorageConfig(c.endpoint(), c.accessKey(), c.secretKey(), c.bucket(),
                c.region(), false, c.retry(), c.timeout());
        try (ImageStore other = new ImageStore(noCreate)) {
            StorageException e = assertThrows(StorageException.class, other::ensureBucket);
            assertTrue(e.getMessage().contains("ist.s3.create-bucket=false"), e.getMessage());
            assertFalse(e.isTransient());
        }
        assertFalse(s3.bucketExists(bucket + "-absent"));
    }

    @Test
    void sameBytesGetTheSameKeyAndAreStoredOnce() {
        byte[] png = TestImages.gradientPng(24, 16);
        StoredObject first = store.putContentAddressed(png, "image/png");
        StoredObject second = store.putContentAddressed(png.clone(), "image/png");

        assertEquals(ObjectKeys.input(ImageStore.sha256Hex(png)), first.key());
        assertEquals(first.key(), second.key());
        assertTrue(first.created());
        assertFalse(second.created(), "the second upload of the same bytes must be skipped");
        assertEquals(List.of(first.key()), s3.keys(bucket));
        assertArrayEquals(png, store.get(first.key()));

        StoredObject other = store.putContentAddressed(TestImages.checkerboardPng(24, 16, 4), "image/png");
        assertNotEquals(first.key(), other.key());
        assertTrue(other.created());
        assertEquals(2, s3.keys(bucket).size());
    }

    @Test
    void theContentHashIsTheStandardSha256() {
        // SHA-256("abc") from FIPS 180-2
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                ImageStore.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void putThenStatGetAndListReturnWhatWasStored() {
        byte[] jpeg = TestImages.gradientJpeg(20, 20);
        String key = ObjectKeys.result(JOB, "jpg");
        store.put(key, jpeg, "image/jpeg", Map.of("job-id", JOB));

        StoredObject info = store.stat(key).orElseThrow();
        assertEquals(jpeg.length, info.size());
        assertEquals("image/jpeg", info.contentType());
        assertEquals(JOB, info.metadata().get("job-id"));
        assertTrue(store.exists(key));
        assertArrayEquals(jpeg, store.get(key));
        assertArrayEquals(jpeg, store.get(key, jpeg.length));

        store.put(ObjectKeys.preview(JOB, 10), new byte[]{1}, "image/jpeg");
        store.put(ObjectKeys.preview(JOB, 2), new byte[]{2}, "image/jpeg");
        assertEquals(List.of(ObjectKeys.preview(JOB, 2), ObjectKeys.preview(JOB, 10)),
                store.list(ObjectKeys.jobPrefix(JOB) + "previews/"));

        store.delete(key);
        assertFalse(store.exists(key));
    }

    @Test
    void presignedUrlIsFetchedOverPlainHttpWithoutCredentials() throws Exception {
        byte[] png = TestImages.stripesPng(16, 16, 5);
        String key = store.putContentAddressed(png, "image/png").key();
        String url = store.presignedGet(key, Duration.ofMinutes(5));
        assertTrue(url.startsWith(s3.endpoint() + "/"), url);
        assertTrue(url.contains("X-Amz-Signature="), url);

        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(png, response.body());
        assertEquals("image/png", response.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void aTamperedPresignedUrlIsRefused() throws Exception {
        String key = store.putContentAddressed(TestImages.noisePng(8, 8, 1), "image/png").key();
        String url = store.presignedGet(key, Duration.ofMinutes(5));
        String otherKey = ObjectKeys.input("f".repeat(64));
        String tampered = url.replace(key, otherKey);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(tampered)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, response.statusCode(), response.body());
    }

    @Test
    void aMissingObjectIsATypedNotFoundError() {
        String key = ObjectKeys.input("e".repeat(64));
        ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> store.get(key));
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains("s3://" + bucket + "/" + key), e.getMessage());
        assertFalse(e.isTransient());
        assertThrows(ObjectNotFoundException.class, () -> store.get(key, 1024));
        assertTrue(store.stat(key).isEmpty());
        assertFalse(store.exists(key));
    }

    @Test
    void anObjectOverTheCallersLimitIsRefusedBeforeItIsRead() {
        byte[] png = TestImages.noisePng(32, 32, 3);
        String key = store.putContentAddressed(png, "image/png").key();
        ObjectTooLargeException e = assertThrows(ObjectTooLargeException.class, () -> store.get(key, 100));
        assertEquals(png.length, e.size());
        assertEquals(100, e.limit());
    }

    @Test
    void wrongSecretKeyIsAClearNonTransientError() {
        String key = store.putContentAddressed(TestImages.noisePng(4, 4, 9), "image/png").key();
        StorageConfig wrong = configFor(s3, bucket).withCredentials(s3.accessKey(), "not-the-secret");
        try (ImageStore intruder = new ImageStore(wrong)) {
            StorageException e = assertThrows(StorageException.class, () -> intruder.get(key));
            assertFalse(e instanceof ObjectNotFoundException);
            assertFalse(e.isTransient(), "bad credentials must not be retried");
            assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
            assertTrue(e.getMessage().contains("ist.s3.access-key / ist.s3.secret-key"), e.getMessage());
            assertTrue(e.getMessage().contains(s3.endpoint()), e.getMessage());
        }
    }

    @Test
    void unknownAccessKeyIsAClearNonTransientError() {
        StorageConfig wrong = configFor(s3, bucket).withCredentials("nobody", "nothing");
        try (ImageStore intruder = new ImageStore(wrong)) {
            StorageException e = assertThrows(StorageException.class,
                    () -> intruder.put(ObjectKeys.manifest(JOB), new byte[]{1}, "application/json"));
            assertFalse(e.isTransient());
            assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
            StorageException onBucket = assertThrows(StorageException.class, intruder::ensureBucket);
            assertTrue(onBucket.getMessage().contains("refused the credentials"), onBucket.getMessage());
        }
        assertFalse(store.exists(ObjectKeys.manifest(JOB)));
    }

    @Test
    void aGetRetriesWhileStorageIsDownAndSucceedsOnceItIsBack() throws Exception {
        try (S3Server flaky = S3Server.start()) {
            StorageConfig config = configFor(flaky, "retry")
                    .withRetry(new StorageConfig.RetryPolicy(200, Duration.ofMillis(20), Duration.ofMillis(100)));
            try (ImageStore retrying = new ImageStore(config)) {
                retrying.ensureBucket();
                byte[] png = TestImages.gradientPng(12, 12);
                String key = retrying.putContentAddressed(png, "image/png").key();

                flaky.stop();
                CompletableFuture<byte[]> pending = CompletableFuture.supplyAsync(() -> retrying.get(key));
                // the server is down, so the get can only be waiting between attempts, not done
                Thread.sleep(300);
                assertFalse(pending.isDone(), "get finished while storage was down: "
                        + (pending.isDone() ? pending.handle((v, t) -> String.valueOf(t)).join() : ""));

                flaky.restart();
                assertArrayEquals(png, pending.get(60, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void anUnreachableServerIsATransientErrorAfterTheConfiguredAttempts() {
        try (S3Server gone = S3Server.start()) {
            gone.stop();
            StorageConfig config = configFor(gone, "gone")
                    .withRetry(new StorageConfig.RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)));
            try (ImageStore unreachable = new ImageStore(config)) {
                StorageException e = assertThrows(StorageException.class,
                        () -> unreachable.get(ObjectKeys.checkpoint(JOB)));
                assertTrue(e.isTransient());
                assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
                assertTrue(e.getMessage().contains("gave up after 3 attempts"), e.getMessage());
                assertInstanceOf(java.io.IOException.class, e.getCause());
            }
        }
    }
}
