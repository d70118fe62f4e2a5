package dev.ist.worker.runtime.job;

import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.JobEvent;
import dev.ist.worker.runtime.kafka.EventPublisher;
import dev.ist.worker.runtime.kafka.EventPublisher.PublishException;
import dev.ist.worker.runtime.kafka.PublishedEvents;
import dev.ist.worker.runtime.kafka.PublishedEvents.LookupException;

/** What the job runner sends out: progress ticks (fire and forget), acknowledged terminal events and dead letters. */
public interface JobEvents {

    /** Fire and forget: a lost tick is superseded by the next one. */
    void publish(JobEvent event);

    /** Returns once the broker acknowledged the event. */
    void publishAndWait(JobEvent event) throws PublishException;

    /** Returns once the broker acknowledged the dead letter. */
    void deadLetter(DeadLetter letter) throws PublishException;

    /**
     * Whether this terminal event is already on the events topic (a redelivery after a lost offset commit); a
     * replay publishes the stored marker only when it is not.
     */
    boolean isPublished(JobEvent terminal) throws LookupException;

    /** The Kafka publisher and events-topic look-up behind the interface. */
    static JobEvents of(EventPublisher publisher, PublishedEvents published) {
        return new JobEvents() {
            @Override
            public boolean isPublished(JobEvent terminal) throws LookupException {
                return published.contains(terminal);
            }

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
