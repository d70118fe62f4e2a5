package dev.ist.common;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TopicsPoolTest {
    private final Topics topics = Topics.defaults();

    @Test
    void everyLaneTopicOfEveryPoolNamesItsPool() {
        assertEquals("default", topics.poolOfJobsTopic("ist.jobs"));
        assertEquals("default", topics.poolOfJobsTopic("ist.jobs.high"));
        assertEquals("large", topics.poolOfJobsTopic("ist.jobs.pool.large"));
        assertEquals("large", topics.poolOfJobsTopic("ist.jobs.pool.large.low"));
        assertEquals("gpu-16g", topics.poolOfJobsTopic("ist.jobs.pool.gpu-16g.high"));
    }

    @Test
    void otherTopicsNameNoPool() {
        assertNull(topics.poolOfJobsTopic("ist.events"));
        assertNull(topics.poolOfJobsTopic("ist.jobs.dlq"));
        assertNull(topics.poolOfJobsTopic("ist.jobs.pool."));
        assertNull(topics.poolOfJobsTopic("ist.jobs.pool.Large"));
        assertNull(topics.poolOfJobsTopic("ist.jobs.pool.default"), "the default pool's topics are the jobs topics");
        assertNull(topics.poolOfJobsTopic("ist.jobs.pool.large.medium"));
        assertNull(topics.poolOfJobsTopic(null));
    }
}
