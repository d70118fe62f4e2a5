package dev.ist.gateway.submit;

import dev.ist.common.job.ImageRef;
import dev.ist.common.storage.ImageStore;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;

/**
 * Who may reference a stored input by its SHA-256. Inputs are stored once whoever sends them, but knowing a hash must
 * not let a key use (and so read back, through a job) an image another key uploaded. Each upload leaves a small
 * marker object {@code owners/<hash of the owner>/<sha256>} in the bucket, so the record survives restarts and is
 * shared by every replica; an operator marks an image usable by all with an object {@code public/<sha256>}.
 */
@Singleton
public class ImageOwnership {

    static final String OWNERS_PREFIX = "owners/";
    static final String PUBLIC_PREFIX = "public/";
    private static final byte[] MARK = "1".getBytes(StandardCharsets.US_ASCII);

    private final ImageStore store;

    public ImageOwnership(ImageStore store) {
        this.store = store;
    }

    /** Records the upload; true when this owner had not uploaded these bytes before. */
    public boolean record(String owner, ImageRef ref) {
        String key = markerKey(owner, ref);
        if (store.exists(key)) {
            return false;
        }
        store.put(key, MARK, "text/plain");
        return true;
    }

    public boolean mayUse(String owner, ImageRef ref) {
        return store.exists(markerKey(owner, ref)) || store.exists(PUBLIC_PREFIX + ref.sha256());
    }

    /** Owner names are key names; the hash keeps them out of object listings and off any character rules. */
    static String markerKey(String owner, ImageRef ref) {
        String ownerHash = ImageStore.sha256Hex(owner.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        return OWNERS_PREFIX + ownerHash + "/" + ref.sha256();
    }
}
