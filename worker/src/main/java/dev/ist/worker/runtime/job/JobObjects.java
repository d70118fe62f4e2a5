package dev.ist.worker.runtime.job;

import dev.ist.common.event.JobEvent;

import java.util.Optional;

/**
 * Every per-job object the runtime reads or writes besides the inputs: the terminal marker
 * ({@code jobs/<id>/terminal.json}, the exact terminal event, written before it is published so a redelivered job is
 * not rerun and its terminal event is re-published with the same sequence number), the checkpoint, previews, the
 * result and the manifest. All of a job's writes go through here, so a per-attempt guard (an owner token checked by
 * storage) has one place to go. Storage failures propagate as {@link dev.ist.common.storage.StorageException}.
 */
public interface JobObjects {

    /** The stored terminal event of a finished job (empty when there is none or it is unreadable). */
    Optional<JobEvent> terminal(String jobId);

    void saveTerminal(JobEvent event);

    /** The last checkpoint of a job, if one is stored and readable. */
    Optional<Checkpoint> checkpoint(String jobId);

    void saveCheckpoint(Checkpoint checkpoint);

    /** Best effort: a leftover checkpoint of a finished job only costs space. Never throws. */
    void deleteCheckpoint(String jobId);

    /** A preview JPEG; previews may be skipped, so implementations retry briefly. */
    void savePreview(String key, byte[] jpeg);

    void saveResult(String key, byte[] bytes, String mediaType);

    void saveManifest(String key, byte[] json);
}
