package dev.ist.gateway.support;

import dev.ist.common.Topics;
import dev.ist.testkit.KafkaBroker;

/**
 * Fresh topics for one test or bench run, named {@code <run>.jobs}, {@code .events}, {@code .dlq}, {@code .control}, laid
 * out as in production: 3 partitions per jobs lane and for the events, 1 for control and the dead letters.
 */
public final class RunTopics {

    private RunTopics() {
    }

    public static Topics create(KafkaBroker kafka, String run) {
        Topics topics = new Topics(run + ".jobs", run + ".events", run + ".dlq", run + ".control");
        for (String lane : topics.jobLanes()) {
            kafka.createTopic(lane, 3);
        }
        kafka.createTopic(topics.events(), 3);
        kafka.createTopic(topics.control(), 1);
        kafka.createTopic(topics.dlq(), 1);
        return topics;
    }
}
