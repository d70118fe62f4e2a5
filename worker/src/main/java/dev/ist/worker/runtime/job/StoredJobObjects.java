package dev.ist.worker.runtime.job;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * {@link JobObjects} in the object store: {@code store} for what a job needs (marker, checkpoint, result, manifest),
 * {@code previewStore} (a short retry policy) for previews, which may be skipped.
 */
public final class StoredJobObjects implements JobObjects {

    private static final Logger LOG = LoggerFactory.getLogger(StoredJobObjects.class);
    private static final long MAX_MARKER_BYTES = 1024 * 1024;

    private final ImageStore store;
    private final ImageStore previewStore;
    private final JsonCodec codec = JsonCodec.shared();

    public StoredJobObjects(ImageStore store, ImageStore previewStore) {
        this.store = store;
        this.previewStore = previewStore;
    }

    public static String terminalKey(String jobId) {
        return ObjectKeys.terminalMarker(jobId);
    }

    @Override
    public Optional<JobEvent> terminal(String jobId) {
        byte[] bytes;
        try {
            bytes = store.get(terminalKey(jobId), MAX_MARKER_BYTES);
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decodeEvent(bytes));
        } catch (InvalidMessageException e) {
            LOG.warn("terminal marker of job {} is unreadable ({}); treating the job as unfinished", jobId,
                    e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void saveTerminal(JobEvent event) {
        store.put(terminalKey(event.jobId()), codec.encode(event), "application/json");
    }

    @Override
    public Optional<Checkpoint> checkpoint(String jobId) {
        byte[] bytes;
        try {
            bytes = store.get(ObjectKeys.checkpoint(jobId), Integer.MAX_VALUE - 16);
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
        try {
            Checkpoint c = Checkpoint.fromBytes(bytes);
            if (!jobId.equals(c.jobId())) {
                LOG.warn("checkpoint under job {} belongs to {}; ignoring it", jobId, c.jobId());
                return Optional.empty();
            }
            return Optional.of(c);
        } catch (IllegalArgumentException e) {
            LOG.warn("checkpoint of job {} is unusable ({}); starting over", jobId, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void saveCheckpoint(Checkpoint checkpoint) {
        store.put(ObjectKeys.checkpoint(checkpoint.jobId()), checkpoint.toBytes(), "application/octet-stream");
    }

    @Override
    public void deleteCheckpoint(String jobId) {
        try {
            store.delete(ObjectKeys.checkpoint(jobId));
        } catch (RuntimeException e) {
            LOG.debug("checkpoint of job {} not deleted: {}", jobId, e.toString());
        }
    }

    @Override
    public void savePreview(String key, byte[] jpeg) {
        previewStore.put(key, jpeg, "image/jpeg");
    }

    @Override
    public void saveResult(String key, byte[] bytes, String mediaType) {
        store.put(key, bytes, mediaType);
    }

    @Override
    public void saveManifest(String key, byte[] json) {
        store.put(key, json, "application/json");
    }
}
