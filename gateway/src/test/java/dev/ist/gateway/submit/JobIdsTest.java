package dev.ist.gateway.submit;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class JobIdsTest {

    @Test
    void anIdempotencyKeyMapsToTheSameVersion5IdForTheSameOwnerOnly() {
        String a = JobIds.forIdempotencyKey("alice", "k1");
        assertEquals(a, JobIds.forIdempotencyKey("alice", "k1"));
        assertNotEquals(a, JobIds.forIdempotencyKey("bob", "k1"));
        assertNotEquals(a, JobIds.forIdempotencyKey("alice", "k2"));
        assertNotEquals(JobIds.forIdempotencyKey("ab", "c"), JobIds.forIdempotencyKey("a", "bc"));
        UUID u = UUID.fromString(a);
        assertEquals(5, u.version());
        assertEquals(2, u.variant());
        assertEquals(4, UUID.fromString(JobIds.random()).version());
    }
}
