package dev.ist.worker.runtime.job;

import dev.ist.common.capacity.JobForwards;

import java.util.List;

/**
 * One message of a jobs topic as the job stages see it: where it came from (for dead letters and logs), its key and
 * bytes, and its headers. The transport (Kafka) makes it; the stages never see the transport's types.
 */
public record JobMessage(String topic, int partition, long offset, String key, byte[] value, List<Header> headers) {

    /** One message header; a key may repeat (the last one counts, as in Kafka). */
    public record Header(String key, byte[] value) {
    }

    public JobMessage {
        headers = List.copyOf(headers);
    }

    /** A message without headers. */
    public JobMessage(String topic, int partition, long offset, String key, byte[] value) {
        this(topic, partition, offset, key, value, List.of());
    }

    /** The value of the last header named {@code key}, or null. */
    public byte[] lastHeader(String key) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).key().equals(key)) {
                return headers.get(i).value();
            }
        }
        return null;
    }

    /** How many times the job was forwarded between pools before ({@link JobForwards#HEADER}). */
    public int forwards() {
        byte[] h = lastHeader(JobForwards.HEADER);
        return h == null ? 0 : JobForwards.parse(h);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
