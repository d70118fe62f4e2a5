package dev.ist.common.storage;

/** An object is bigger than the caller allows (e.g. an input over {@code ist.limits.max-input-bytes}). */
public class ObjectTooLargeException extends StorageException {

    private final long size;
    private final long limit;

    public ObjectTooLargeException(String key, long size, long limit) {
        super("object " + key + " has " + size + " bytes, over the limit of " + limit, false, null);
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
