package dev.ist.worker.runtime.kafka;

import dev.ist.worker.runtime.job.JobMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.util.ArrayList;
import java.util.List;

/** Kafka records as the job stages' {@link JobMessage}. */
final class JobMessages {

    private JobMessages() {
    }

    static JobMessage of(ConsumerRecord<String, byte[]> record) {
        List<JobMessage.Header> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            headers.add(new JobMessage.Header(h.key(), h.value()));
        }
        return new JobMessage(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                headers);
    }
}
