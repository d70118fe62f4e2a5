package dev.ist.common.storage;

import dev.ist.common.ObjectKeys;
import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.InternalException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.http.Method;
import io.minio.messages.Item;
import okhttp3.OkHttpClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Object storage for IST on the MinIO Java SDK: inputs (content-addressed), and per-job results, previews,
 * checkpoints and manifests. Every call retries transient failures (unreachable server, 5xx, throttling) with
 * exponential backoff and jitter; a missing object is an {@link ObjectNotFoundException}; anything else is a
 * {@link StorageException} with a message that says what to check.
 */
public final class ImageStore implements AutoCloseable {

    private static final int MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

    private final StorageConfig config;
    private final OkHttpClient http;
    private final MinioClient client;

    public ImageStore(StorageConfig config) {
        this.config = config;
        Duration t = config.timeout();
        this.http = new OkHttpClient.Builder()
                .connectTimeout(t.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(t.toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(t.toMillis(), TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .build();
        this.client = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .region(config.region())
                .httpClient(http)
                .build();
    }

    public StorageConfig config() {
        return config;
    }

    public String bucket() {
        return config.bucket();
    }

    /** Creates the bucket when it is missing and {@code ist.s3.create-bucket} allows; fails clearly otherwise. */
    public void ensureBucket() {
        retrying("check bucket " + bucket(), null, () -> {
            boolean exists = client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build());
            if (!exists) {
                if (!config.createBucket()) {
                    throw new StorageException("bucket '" + bucket() + "' does not exist at " + config.endpoint()
                            + " and ist.s3.create-bucket=false", false, null);
                }
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket()).region(config.region()).build());
                } catch (ErrorResponseException e) {
                    // another replica created it between our check and our create
                    String code = e.errorResponse().code();
                    if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    /**
     * Stores bytes under {@code inputs/sha256/<hash>}, once: if the key exists the upload is skipped (the object is
     * only touched, so its age restarts for the storage janitor's retention) and
     * {@link StoredObject#created()} is false.
     */
    public StoredObject putContentAddressed(byte[] bytes, String contentType) {
        String sha = sha256Hex(bytes);
        String key = ObjectKeys.input(sha);
        Optional<StoredObject> existing = stat(key);
        if (existing.isPresent() && existing.get().size() == bytes.length) {
            StoredObject e = existing.get();
            // a re-used input is fresh again: the storage janitor expires inputs by age (and by references)
            touch(key, e);
            return new StoredObject(e.key(), e.size(), e.contentType(), e.etag(), java.time.Instant.now(), e.metadata(),
                    false);
        }
        put(key, bytes, contentType, Map.of("sha256", sha));
        return new StoredObject(key, bytes.length, contentType, null, null, Map.of("sha256", sha), true);
    }

    /** Rewrites an object onto itself (server-side copy), so its last-modified time is now. */
    private void touch(String key, StoredObject existing) {
        Map<String, String> meta = new java.util.HashMap<>(existing.metadata());
        meta.put("touched", java.time.Instant.now().toString()); // S3 refuses a self-copy that changes nothing
        retrying("touch", key, () -> client.copyObject(CopyObjectArgs.builder()
                .bucket(bucket())
                .object(key)
                .source(CopySource.builder().bucket(bucket()).object(key).build())
                .metadataDirective(Directive.REPLACE)
                .userMetadata(meta)
                .headers(existing.contentType() == null ? Map.of() : Map.of("Content-Type", existing.contentType()))
                .build()));
    }

    public void put(String key, byte[] bytes, String contentType) {
        put(key, bytes, contentType, Map.of());
    }

    public void put(String key, byte[] bytes, String contentType, Map<String, String> metadata) {
        retrying("put", key, () -> {
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                client.putObject(PutObjectArgs.builder()
                        .bucket(bucket())
                        .object(key)
                        .stream(in, bytes.length, -1)
                        .contentType(contentType == null ? "application/octet-stream" : contentType)
                        .userMetadata(metadata)
                        .build());
            }
            return null;
        });
    }

    /**
     * Creates {@code key} only if it does not exist yet ({@code If-None-Match: *}); returns the new ETag.
     * Throws {@link PreconditionFailedException} when the object already exists.
     */
    public String putIfAbsent(String key, byte[] bytes, String contentType) {
        return conditionalPut(key, bytes, contentType, Map.of("If-None-Match", "*"));
    }

    /**
     * Replaces {@code key} only if its current ETag is {@code etag} ({@code If-Match}); returns the new ETag.
     * Throws {@link PreconditionFailedException} when the object changed (or vanished) since that ETag was read.
     */
    public String putIfMatch(String key, byte[] bytes, String contentType, String etag) {
        return conditionalPut(key, bytes, contentType, Map.of("If-Match", quoted(etag)));
    }

    private String conditionalPut(String key, byte[] bytes, String contentType, Map<String, String> condition) {
        return retrying("conditional put", key, () -> {
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                return client.putObject(PutObjectArgs.builder()
                        .bucket(bucket())
                        .object(key)
                        .stream(in, bytes.length, -1)
                        .contentType(contentType == null ? "application/octet-stream" : contentType)
                        .headers(condition)
                        .build()).etag();
            }
        });
    }

    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    /** The whole object. Throws {@link ObjectNotFoundException} when it does not exist. */
    public byte[] get(String key) {
        return retrying("get", key, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket()).object(key).build())) {
                return in.readAllBytes();
            }
        });
    }

    /**
     * The whole object, refusing to read more than {@code maxBytes} (checked with a stat first, then enforced while
     * reading, so a huge object never fills memory).
     */
    public byte[] get(String key, long maxBytes) {
        StoredObject info = stat(key).orElseThrow(() -> new ObjectNotFoundException(bucket(), key));
        if (info.size() > maxBytes) {
            throw new ObjectTooLargeException(key, info.size(), maxBytes);
        }
        return retrying("get", key, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket()).object(key).build())) {
                byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (data.length > maxBytes) {
                    throw new ObjectTooLargeException(key, data.length, maxBytes);
                }
                return data;
            }
        });
    }

    public Optional<StoredObject> stat(String key) {
        try {
            return Optional.of(retrying("stat", key, () -> {
                StatObjectResponse r = client.statObject(StatObjectArgs.builder().bucket(bucket()).object(key).build());
                return new StoredObject(key, r.size(), r.contentType(), r.etag(),
                        r.lastModified() == null ? null : r.lastModified().toInstant(), r.userMetadata(), false);
            }));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    public boolean exists(String key) {
        return stat(key).isPresent();
    }

    public void delete(String key) {
        retrying("delete", key, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket()).object(key).build());
            return null;
        });
    }

    /** Keys under a prefix, in key order. */
    public List<String> list(String prefix) {
        return retrying("list", prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> r : client.listObjects(
                    ListObjectsArgs.builder().bucket(bucket()).prefix(prefix).recursive(true).build())) {
                keys.add(r.get().objectName());
            }
            return keys;
        });
    }

    /** Objects under a prefix with size, ETag and last-modified time, in key order (no user metadata). */
    public List<StoredObject> listObjects(String prefix) {
        return retrying("list", prefix, () -> {
            List<StoredObject> objects = new ArrayList<>();
            for (Result<Item> r : client.listObjects(
                    ListObjectsArgs.builder().bucket(bucket()).prefix(prefix).recursive(true).build())) {
                Item i = r.get();
                objects.add(new StoredObject(i.objectName(), i.size(), null, i.etag(),
                        i.lastModified() == null ? null : i.lastModified().toInstant(), Map.of(), false));
            }
            return objects;
        });
    }

    /** A GET URL that works without credentials until it expires (1 s to 7 days). */
    public String presignedGet(String key, Duration expiry) {
        long seconds = Math.max(1, Math.min(expiry.toSeconds(), MAX_PRESIGN_SECONDS));
        return retrying("presign", key, () -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET)
                .bucket(bucket())
                .object(key)
                .expiry((int) seconds)
                .build()));
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    @Override
    public void close() {
        // OkHttp's pool and dispatcher threads would otherwise keep a short-lived JVM alive for a minute
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws Exception;
    }

    /** Runs {@code call}, retrying transient failures; {@code key} names the object in errors (null for none). */
    private <T> T retrying(String action, String key, Call<T> call) {
        String what = key == null ? action : action + " " + key;
        StorageConfig.RetryPolicy policy = config.retry();
        StorageException last = null;
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            try {
                return call.run();
            } catch (StorageException e) {
                throw e;
            } catch (Exception e) {
                last = classify(what, key, e);
                if (!last.isTransient()) {
                    throw last;
                }
            }
            if (attempt < policy.maxAttempts()) {
                sleep(policy.backoffCeiling(attempt));
            }
        }
        throw new StorageException(last.getMessage() + " (gave up after " + policy.maxAttempts() + " attempts)",
                true, last.getCause());
    }

    private StorageException classify(String what, String requestedKey, Exception e) {
        String where = " at " + config.endpoint() + " (bucket " + bucket() + ")";
        if (e instanceof ErrorResponseException ere) {
            String code = ere.errorResponse().code();
            switch (code) {
                case "NoSuchKey", "NoSuchObject" -> {
                    // S3Proxy (and HEAD responses) carry no object name, so name the key we asked for
                    String key = requestedKey != null ? requestedKey : ere.errorResponse().objectName();
                    return new ObjectNotFoundException(bucket(), key == null ? what : key);
                }
                case "PreconditionFailed" -> {
                    return new PreconditionFailedException(requestedKey == null ? what : requestedKey, e);
                }
                case "NoSuchBucket" -> {
                    return new StorageException("bucket '" + bucket() + "' does not exist" + where, false, e);
                }
                case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch" -> {
                    return new StorageException("storage refused the credentials (" + code + ") for " + what + where
                            + ": check ist.s3.access-key / ist.s3.secret-key", false, e);
                }
                case "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed" -> {
                    return new StorageException(what + " failed: " + code + where, true, e);
                }
                default -> {
                    int status = ere.response() == null ? 0 : ere.response().code();
                    return new StorageException(what + " failed: " + code + " (" + ere.getMessage() + ")" + where,
                            status >= 500, e);
                }
            }
        }
        if (e instanceof ServerException || e instanceof IOException || e instanceof InsufficientDataException
                || e instanceof InvalidResponseException) {
            return new StorageException(what + " failed: storage unreachable or unstable" + where + ": " + e, true,
                    e);
        }
        if (e instanceof InternalException) {
            return new StorageException(what + " failed" + where + ": " + e.getMessage(), false, e);
        }
        return new StorageException(what + " failed" + where + ": " + e, false, e);
    }

    private static void sleep(Duration ceiling) {
        long ms = ceiling.toMillis();
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ms / 2, ms + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting to retry storage", true, e);
        }
    }
}
