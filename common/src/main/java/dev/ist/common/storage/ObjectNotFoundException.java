package dev.ist.common.storage;

/** The object (or its bucket) does not exist. Never transient. */
public class ObjectNotFoundException extends StorageException {

    private final String key;

    public ObjectNotFoundException(String bucket, String key) {
        super("object not found: s3://" + bucket + "/" + key, false, null);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
