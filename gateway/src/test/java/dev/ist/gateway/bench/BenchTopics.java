package dev.ist.gateway.bench;

import dev.ist.common.Topics;
import dev.ist.testkit.KafkaBroker;

import java.util.UUID;

/** Fresh topics for one bench run, laid out as in production (3 partitions per jobs lane and for the events). */
final class BenchTopics {

    private BenchTopics() {
    }

    static Topics create(String name) {
        String run = "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics(run + ".jobs", run + ".events", run + ".dlq", run + ".control");
        KafkaBroker kafka = KafkaBroker.shared();
        kafka.createTopic(topics.jobs(), 3);
        kafka.createTopic(topics.jobsHigh(), 3);
        kafka.createTopic(topics.jobsLow(), 3);
        kafka.createTopic(topics.events(), 3);
        kafka.createTopic(topics.control(), 1);
        kafka.createTopic(topics.dlq(), 1);
        return topics;
    }
}
