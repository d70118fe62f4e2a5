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
 * The per-job objects the runtime keeps besides results and previews: the checkpoint, and the terminal marker
 * ({@code jobs/<id>/terminal.json}, the exact terminal event) written before a terminal event is published, so a
 * redelivered job is not rerun and its terminal event is re-published with the same sequence number.
 */
public final class JobObjects {

    private static final Logger LOG = LoggerFactory.getLogger(JobObjects.class);
    private static final long MAX_MARKER_BYTES = 1024 * 1024;

    private final ImageStore store;
    private final JsonCodec codec = JsonCodec.shared();

    public JobObjects(ImageStore store) {
        this.store = store;
    }

    public static String terminalKey(String jobId) {
        return ObjectKeys.terminalMarker(jobId);
    }

    /** The stored terminal event of a finished job. Storage errors propagate (the caller retries). */
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

    public void saveTerminal(JobEvent event) {
        store.put(terminalKey(event.jobId()), codec.encode(event), "application/json");
    }

    /** The last checkpoint of a job, if one is stored and readable. */
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

    public void saveCheckpoint(Checkpoint checkpoint) {
        store.put(ObjectKeys.checkpoint(checkpoint.jobId()), checkpoint.toBytes(), "application/octet-stream");
    }

    /** Best effort: a leftover checkpoint of a finished job only costs space. */
    public void deleteCheckpoint(String jobId) {
        try {
            store.delete(ObjectKeys.checkpoint(jobId));
        } catch (RuntimeException e) {
            LOG.debug("checkpoint of job {} not deleted: {}", jobId, e.toString());
        }
    }
}
