package dev.ist.worker.runtime.fleet;

import dev.ist.common.ObjectKeys;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;
import dev.ist.common.storage.PreconditionFailedException;
import dev.ist.common.storage.StoredObject;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Fences a job's writes by attempt. {@link #claim} records a new attempt in {@code jobs/<id>/owner} (attempt number +
 * random token) and so supersedes every earlier attempt; {@link #put} and {@link #delete} go through only while the
 * caller's token is still the one in storage, and throw {@link FencedWriteException} otherwise. The check lives in
 * storage, not in the worker's memory, so a worker that was SIGSTOPped past its session timeout, lost its partition
 * and woke up again is refused even though it never heard of the rebalance.
 *
 * <p>What storage guarantees here, honestly: S3Proxy 2.6.0 (the test server) <em>ignores</em> {@code If-Match} /
 * {@code If-None-Match} on PUT (verified: both are accepted and overwrite), so the fence is check-then-write: the owner
 * object is read before and after every write. A stale attempt is refused for every write it <em>begins</em> after the
 * takeover, and a write that began before the takeover and landed after it is detected by the second read (the caller
 * gets the exception and publishes nothing). What check-then-write cannot stop is that one in-flight PUT replacing
 * the new owner's object when the old worker froze exactly between its check and its PUT. On servers that honour
 * conditional writes (MinIO, AWS S3) {@link #claim} is additionally a compare-and-swap ({@code If-Match} on the owner
 * object's ETag, {@code If-None-Match: *} for the first claim), so two simultaneous claims cannot both win; on S3Proxy
 * the read-back after the claim makes the loser of a race see the winner's token.
 */
public final class JobFence {

    /** User metadata on every fenced object: which attempt wrote it. */
    public static final String TOKEN_METADATA = "ist-owner-token";
    public static final String ATTEMPT_METADATA = "ist-attempt";

    private final ImageStore store;
    private final Clock clock;

    public JobFence(ImageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static String ownerKey(String jobId) {
        return ObjectKeys.owner(jobId);
    }

    /** Makes the caller the job's owner: attempt = previous + 1. Throws FencedWriteException when a race was lost. */
    public OwnerToken claim(String jobId, String workerId) {
        String key = ownerKey(jobId);
        Optional<StoredObject> existing = store.stat(key);
        int previous = existing.map(o -> read(jobId).map(OwnerToken::attempt).orElse(0)).orElse(0);
        OwnerToken mine = new OwnerToken(jobId, previous + 1, UUID.randomUUID().toString(), workerId, clock.instant());
        byte[] json = FleetJson.write(mine);
        try {
            if (existing.isPresent() && existing.get().etag() != null) {
                store.putIfMatch(key, json, "application/json", existing.get().etag());
            } else {
                store.putIfAbsent(key, json, "application/json");
            }
        } catch (PreconditionFailedException e) {
            throw new FencedWriteException("claim", mine, read(jobId).orElse(null));
        }
        OwnerToken stored = read(jobId).orElse(null);
        if (!mine.sameAttempt(stored)) {
            throw new FencedWriteException("claim", mine, stored);
        }
        return mine;
    }

    /** The job's current owner, if it was ever claimed. */
    public Optional<OwnerToken> current(String jobId) {
        return read(jobId);
    }

    /** Throws FencedWriteException unless {@code mine} is still the job's owner. */
    public void check(OwnerToken mine, String what) {
        OwnerToken now = read(mine.jobId()).orElse(null);
        if (!mine.sameAttempt(now)) {
            throw new FencedWriteException(what, mine, now);
        }
    }

    public boolean isCurrent(OwnerToken mine) {
        return mine.sameAttempt(read(mine.jobId()).orElse(null));
    }

    /** Writes {@code key} for attempt {@code mine}, refused once superseded (checked before and after the PUT). */
    public void put(OwnerToken mine, String key, byte[] bytes, String contentType) {
        requireJobKey(mine, key);
        check(mine, "write of " + key);
        store.put(key, bytes, contentType, Map.of(TOKEN_METADATA, mine.token(),
                ATTEMPT_METADATA, Integer.toString(mine.attempt())));
        check(mine, "write of " + key + " (it landed after a takeover)");
    }

    /** Deletes {@code key} (e.g. the checkpoint at job end) for attempt {@code mine}, refused once superseded. */
    public void delete(OwnerToken mine, String key) {
        requireJobKey(mine, key);
        check(mine, "delete of " + key);
        store.delete(key);
    }

    /** The attempt token recorded on an object written through {@link #put}; empty for unfenced objects. */
    public Optional<String> writerToken(String key) {
        return store.stat(key).map(o -> o.metadata().get(TOKEN_METADATA));
    }

    private static void requireJobKey(OwnerToken mine, String key) {
        if (!key.startsWith(ObjectKeys.jobPrefix(mine.jobId()))) {
            throw new IllegalArgumentException(key + " is not an object of job " + mine.jobId());
        }
    }

    private Optional<OwnerToken> read(String jobId) {
        String key = ownerKey(jobId);
        try {
            return Optional.of(FleetJson.read(store.get(key), OwnerToken.class, key));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }
}
