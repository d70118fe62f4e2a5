package dev.ist.gateway.webhooks;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Deliveries in storage: {@code jobs/<id>/webhooks/<webhook-id>.json} holds each series (listed by the API, removed
 * with the job's objects), and {@code webhooks/pending/<job-id>/<webhook-id>} marks the ones with retries due, so a
 * restarted or new dispatcher finds them without walking every job.
 */
public final class WebhookLog {

    private static final Logger LOG = Logger.getLogger(WebhookLog.class);
    static final String PENDING_PREFIX = "webhooks/pending/";

    private final ImageStore store;
    private final JsonCodec codec = JsonCodec.shared();

    public WebhookLog(ImageStore store) {
        this.store = store;
    }

    static String key(String jobId, String webhookId) {
        return ObjectKeys.webhook(jobId, webhookId);
    }

    void save(WebhookDelivery d) {
        store.put(key(d.jobId(), d.id()), codec.encode(d), "application/json");
        String marker = PENDING_PREFIX + d.jobId() + "/" + d.id();
        if (d.state() == WebhookDelivery.State.PENDING) {
            store.put(marker, new byte[0], "application/octet-stream");
        } else {
            store.delete(marker);
        }
    }

    public Optional<WebhookDelivery> find(String jobId, String webhookId) {
        try {
            return Optional.of(codec.decode(store.get(key(jobId, webhookId), 4L << 20), WebhookDelivery.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (InvalidMessageException e) {
            LOG.warnf("ignoring an unreadable webhook record %s: %s", webhookId, e.getMessage());
            return Optional.empty();
        }
    }

    /** A job's deliveries in event order. */
    public List<WebhookDelivery> forJob(String jobId) {
        List<WebhookDelivery> out = new ArrayList<>();
        for (String key : store.list(ObjectKeys.webhooks(jobId))) {
            String name = key.substring(key.lastIndexOf('/') + 1);
            if (name.endsWith(".json")) {
                find(jobId, name.substring(0, name.length() - 5)).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparingLong(WebhookDelivery::seq));
        return out;
    }

    /** (job id, webhook id) of every delivery with retries due. */
    List<String[]> pending() {
        List<String[]> out = new ArrayList<>();
        for (String key : store.list(PENDING_PREFIX)) {
            String[] parts = key.substring(PENDING_PREFIX.length()).split("/");
            if (parts.length == 2) {
                out.add(parts);
            }
        }
        return out;
    }
}
