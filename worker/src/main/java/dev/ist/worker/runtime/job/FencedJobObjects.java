package dev.ist.worker.runtime.job;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.storage.CancelMarker;
import dev.ist.common.storage.ImageStore;
import dev.ist.worker.runtime.fleet.AttemptCounter;
import dev.ist.worker.runtime.fleet.JobFence;
import dev.ist.worker.runtime.fleet.OwnerToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker's {@link JobObjects} and {@link JobOwnership} on the object store. Once admission has claimed a job,
 * every write of that job (result, previews, checkpoint, manifest, terminal marker, the checkpoint's deletion) goes
 * through the {@link JobFence} with this attempt's {@link OwnerToken}, so a worker that was superseded (paused past
 * its session timeout, revoked past its grace) is refused by storage, not by a flag in its own memory. Writes before
 * a claim are of decisions every attempt makes the same way (a request that can never run) and go straight through.
 * Reads are not fenced.
 */
public final class FencedJobObjects implements JobObjects, JobOwnership {

    private static final Logger LOG = LoggerFactory.getLogger(FencedJobObjects.class);

    private final StoredJobObjects reads;
    private final ImageStore store;
    private final ImageStore previewStore;
    private final JobFence fence;
    private final JobFence previewFence;
    private final AttemptCounter attempts;
    private final CancelMarker cancels;
    private final String workerId;
    private final JsonCodec codec = JsonCodec.shared();
    /** Claimed jobs of this worker (one at a time in practice), by job id. */
    private final Map<String, OwnerToken> tokens = new ConcurrentHashMap<>();

    /**
     * @param store        what a job needs (owner, attempts, marker, checkpoint, result, manifest)
     * @param previewStore a short retry policy, for previews that may be skipped
     */
    public FencedJobObjects(ImageStore store, ImageStore previewStore, Clock clock, String workerId) {
        this.reads = new StoredJobObjects(store, previewStore);
        this.store = store;
        this.previewStore = previewStore;
        this.fence = new JobFence(store, clock);
        this.previewFence = new JobFence(previewStore, clock);
        this.attempts = new AttemptCounter(store, clock);
        this.cancels = new CancelMarker(store, clock);
        this.workerId = workerId;
    }

    // --- ownership -------------------------------------------------------------------------------------------

    @Override
    public boolean cancelRecorded(String jobId) {
        return cancels.isCancelled(jobId);
    }

    @Override
    public Attempt claim(String jobId) {
        OwnerToken token = fence.claim(jobId, workerId);
        tokens.put(jobId, token);
        AttemptCounter.Attempts a = attempts.begin(jobId, workerId);
        LOG.info("job {}: attempt {} claimed by {} (started {} times, {} ended without stopping)", jobId,
                token.attempt(), workerId, a.started(), a.crashed());
        return new Attempt(a.started(), a.crashed(), a.lastWorkers(), AttemptCounter.describe(a));
    }

    @Override
    public void check(String jobId, String what) {
        OwnerToken token = tokens.get(jobId);
        if (token != null) {
            fence.check(token, what);
        }
    }

    @Override
    public void stoppedCleanly(String jobId) {
        OwnerToken token = tokens.get(jobId);
        if (token != null) {
            // only the owner touches the counter: a superseded attempt must not decrement the new owner's
            fence.check(token, "attempt count");
            attempts.stoppedCleanly(jobId);
        }
    }

    @Override
    public void release(String jobId) {
        if (jobId != null) {
            tokens.remove(jobId);
        }
    }

    // --- objects -----------------------------------------------------------------------------------------------

    @Override
    public Optional<JobEvent> terminal(String jobId) {
        return reads.terminal(jobId);
    }

    @Override
    public void saveTerminal(JobEvent event) {
        write(fence, store, ObjectKeys.terminalMarker(event.jobId()), codec.encode(event), "application/json");
    }

    @Override
    public Optional<Checkpoint> checkpoint(String jobId) {
        return reads.checkpoint(jobId);
    }

    @Override
    public void saveCheckpoint(Checkpoint checkpoint) {
        write(fence, store, ObjectKeys.checkpoint(checkpoint.jobId()), checkpoint.toBytes(),
                "application/octet-stream");
    }

    @Override
    public void deleteCheckpoint(String jobId) {
        String key = ObjectKeys.checkpoint(jobId);
        try {
            OwnerToken token = tokens.get(jobId);
            if (token == null) {
                store.delete(key);
            } else {
                fence.delete(token, key);
            }
        } catch (RuntimeException e) {
            LOG.debug("checkpoint of job {} not deleted: {}", jobId, e.toString());
        }
    }

    @Override
    public void savePreview(String key, byte[] jpeg) {
        write(previewFence, previewStore, key, jpeg, "image/jpeg");
    }

    @Override
    public void saveResult(String key, byte[] bytes, String mediaType) {
        write(fence, store, key, bytes, mediaType);
    }

    @Override
    public void saveManifest(String key, byte[] json) {
        write(fence, store, key, json, "application/json");
    }

    private void write(JobFence through, ImageStore plain, String key, byte[] bytes, String contentType) {
        OwnerToken token = tokens.get(jobIdOf(key));
        if (token == null) {
            plain.put(key, bytes, contentType);
        } else {
            through.put(token, key, bytes, contentType);
        }
    }

    /** {@code jobs/<id>/…} → id; every per-job key has that shape. */
    static String jobIdOf(String key) {
        if (!key.startsWith(ObjectKeys.JOBS_PREFIX)) {
            throw new IllegalArgumentException(key + " is not a per-job object");
        }
        int end = key.indexOf('/', ObjectKeys.JOBS_PREFIX.length());
        if (end < 0) {
            throw new IllegalArgumentException(key + " is not a per-job object");
        }
        return key.substring(ObjectKeys.JOBS_PREFIX.length(), end);
    }
}
