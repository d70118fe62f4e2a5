package dev.ist.worker.runtime.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ist.common.ObjectKeys;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;
import dev.ist.common.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expires storage that nobody needs any more, on any S3 server (S3Proxy has no lifecycle rules, and bucket rules
 * cannot say "finished" or "unreferenced" anyway):
 * <ul>
 *   <li>a finished job (its terminal marker older than {@code ist.retention.job-objects}) loses its result, previews,
 *       manifest and checkpoint; its small control objects (terminal marker, owner, attempts, cancel marker) stay so
 *       a redelivery still sees it finished, and an {@code expired} marker tells the API to answer
 *       {@code dataRemoved: true} / 410;</li>
 *   <li>an input older than the retention that no retained job's manifest references is deleted.</li>
 * </ul>
 * Inputs of jobs still queued or running have no manifest yet: they are protected only by their age (an upload
 * younger than the retention is never deleted).
 */
public final class StorageJanitor {

    private static final Logger LOG = LoggerFactory.getLogger(StorageJanitor.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Kept when a job's data expires: they are what make the job's history (finished, cancelled) durable. */
    private static final Set<String> KEPT = ObjectKeys.DURABLE_JOB_OBJECTS;

    /** What one sweep did. */
    public record Sweep(int jobsExpired, int objectsDeleted, int inputsDeleted, int jobsSeen) {
    }

    private final ImageStore store;
    private final Duration retention;
    private final Clock clock;

    public StorageJanitor(ImageStore store, Duration retention, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    public Sweep sweep() {
        Instant cutoff = clock.instant().minus(retention);
        Map<String, List<StoredObject>> jobs = new LinkedHashMap<>();
        for (StoredObject o : store.listObjects(ObjectKeys.JOBS_PREFIX)) {
            String rest = o.key().substring(ObjectKeys.JOBS_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && ObjectKeys.isJobId(rest.substring(0, slash))) {
                jobs.computeIfAbsent(rest.substring(0, slash), k -> new ArrayList<>()).add(o);
            }
        }
        int expired = 0;
        int deleted = 0;
        Set<String> referenced = new HashSet<>();
        for (Map.Entry<String, List<StoredObject>> job : jobs.entrySet()) {
            String prefix = ObjectKeys.jobPrefix(job.getKey());
            StoredObject terminal = job.getValue().stream()
                    .filter(o -> o.key().equals(ObjectKeys.terminalMarker(job.getKey()))).findFirst().orElse(null);
            boolean finishedLongAgo = terminal != null && terminal.lastModified() != null
                    && terminal.lastModified().isBefore(cutoff);
            if (!finishedLongAgo) {
                referenced.addAll(inputsOf(job.getKey()));
                continue;
            }
            List<StoredObject> data = job.getValue().stream()
                    .filter(o -> !KEPT.contains(o.key().substring(prefix.length()))).toList();
            if (data.isEmpty()) {
                continue; // expired by an earlier sweep
            }
            for (StoredObject o : data) {
                store.delete(o.key());
                deleted++;
            }
            store.put(ObjectKeys.expired(job.getKey()), ("{\"expiredAt\":\"" + clock.instant() + "\"}").getBytes(),
                    "application/json");
            expired++;
        }
        int inputs = 0;
        for (StoredObject o : store.listObjects(ObjectKeys.INPUTS_PREFIX)) {
            String sha = o.key().substring(ObjectKeys.INPUTS_PREFIX.length());
            if (o.lastModified() != null && o.lastModified().isBefore(cutoff) && !referenced.contains(sha)) {
                store.delete(o.key());
                inputs++;
            }
        }
        Sweep s = new Sweep(expired, deleted, inputs, jobs.size());
        if (expired + inputs > 0) {
            LOG.info("storage janitor: {} finished jobs' data expired ({} objects), {} unreferenced inputs deleted"
                    + " (retention {})", expired, deleted, inputs, retention);
        }
        return s;
    }

    /** Every SHA-256 the job's manifest mentions (content, styles), whatever the manifest's exact shape. */
    private Set<String> inputsOf(String jobId) {
        Set<String> shas = new HashSet<>();
        try {
            collectShas(MAPPER.readTree(store.get(ObjectKeys.manifest(jobId))), shas);
        } catch (ObjectNotFoundException e) {
            // not finished yet, or no manifest: nothing to protect beyond the inputs' age
        } catch (IOException e) {
            LOG.warn("manifest of job {} unreadable ({}); its inputs are kept by age only", jobId, e.getMessage());
        }
        return shas;
    }

    private static void collectShas(JsonNode node, Set<String> into) {
        if (node.isTextual()) {
            String t = node.asText();
            if (ObjectKeys.isSha256(t)) {
                into.add(t);
            } else if (ObjectKeys.isInputKey(t)) {
                into.add(t.substring(ObjectKeys.INPUTS_PREFIX.length()));
            }
        }
        node.forEach(child -> collectShas(child, into));
    }
}
