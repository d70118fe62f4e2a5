package dev.ist.common.kafka;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A login or permission failure is one line naming what to fix, said again only when it changes. */
class KafkaAccessProblemTest {

    @Test
    void aFailedLoginNamesTheSettingsAndAMissingAclNamesTheResource() {
        String login = KafkaAccessProblem.describe(new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism"
                        + " SCRAM-SHA-512")).orElseThrow();
        assertTrue(login.contains("sasl.jaas.config") && login.contains("invalid credentials"), login);
        String topic = KafkaAccessProblem.describe(new KafkaException("wrapped",
                new TopicAuthorizationException(Set.of("ist.jobs", "ist.jobs.high")))).orElseThrow();
        assertTrue(topic.contains("[ist.jobs, ist.jobs.high]"), topic);
        String group = KafkaAccessProblem.describe(new GroupAuthorizationException("denied", "ist-workers"))
                .orElseThrow();
        assertTrue(group.contains("'ist-workers'") && group.contains("READ"), group);
        assertEquals(Optional.empty(), KafkaAccessProblem.describe(new TimeoutException("broker down")),
                "an unreachable broker is not an access problem");
    }

    @Test
    void theSameProblemIsLoggedOnceAndRetriedLessAndLessOften() {
        KafkaAccessProblem p = new KafkaAccessProblem("the jobs consumer");
        KafkaAccessProblem.Meeting first = p.met("bad password");
        assertTrue(first.log().orElseThrow().startsWith("the jobs consumer: bad password"));
        assertEquals(Duration.ofSeconds(1), first.retryIn());
        assertEquals(Optional.empty(), p.met("bad password").log());
        assertEquals(Duration.ofSeconds(4), p.met("bad password").retryIn());
        for (int i = 0; i < 10; i++) {
            p.met("bad password");
        }
        assertEquals(Duration.ofSeconds(60), p.met("bad password").retryIn(), "at most a minute apart");
        assertTrue(p.met("missing ACL").log().isPresent(), "a different problem is news");
        assertEquals("missing ACL", p.current());
        assertTrue(p.cleared().isPresent());
        assertEquals(Optional.empty(), p.cleared(), "said once");
    }
}
