package dev.ist.worker.runtime.job;

import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.JobEvent;
import dev.ist.worker.runtime.kafka.EventPublisher;
import dev.ist.worker.runtime.kafka.EventPublisher.PublishException;

/** What the job runner sends out: progress ticks (fire and forget), acknowledged terminal events and dead letters. */
public interface JobEvents {

    /** Fire and forget: a lost tick is superseded by the next one. */
    void publish(JobEvent event);

    /** Returns once the broker acknowledged the event. */
    void publishAndWait(JobEvent event) throws PublishException;

    /** Returns once the broker acknowledged the dead letter. */
    void deadLetter(DeadLetter letter) throws PublishException;

    /** The Kafka publisher behind the interface. */
    static JobEvents of(EventPublisher publisher) {
        return new JobEvents() {
            @Override
            public void publish(JobEvent event) {
                publisher.publish(event);
            }

            @Override
            public void publishAndWait(JobEvent event) throws PublishException {
                publisher.publishAndWait(event);
            }

            @Override
            public void deadLetter(DeadLetter letter) throws PublishException {
                publisher.deadLetter(letter);
            }
        };
    }
}
