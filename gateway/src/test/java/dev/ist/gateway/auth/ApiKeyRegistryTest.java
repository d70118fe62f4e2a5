package dev.ist.gateway.auth;

import dev.ist.common.job.Priority;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeyRegistryTest {

    private static final String HASH = ApiKeyRegistry.sha256Hex("s3cret");

    @Test
    void aKeyIsKnownByItsHashAndCarriesItsLimits() {
        ApiKeyRegistry r = new ApiKeyRegistry(List.of("alice:" + HASH, "# comment",
                "bob:" + ApiKeyRegistry.sha256Hex("other") + ":7:9"), false, 4, 30);
        Caller alice = r.lookup("s3cret").orElseThrow();
        assertEquals(new Caller("alice", 4, 30), alice);
        assertEquals(new Caller("bob", 7, 9), r.lookup("other").orElseThrow());
        assertTrue(r.lookup("S3CRET").isEmpty());
        assertTrue(r.anonymous().isEmpty(), "anonymous access is off unless enabled");
    }

    @Test
    void anonymousAccessOnlyWhenEnabled() {
        ApiKeyRegistry r = new ApiKeyRegistry(List.of(), true, 2, 5);
        assertEquals(new Caller("anonymous", 2, 5), r.anonymous().orElseThrow());
    }

    @Test
    void badEntriesAreRefusedWithoutEchoingTheHash() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ApiKeyRegistry(List.of("alice:" + HASH + ":1"), false, 1, 1));
        assertFalse(e.getMessage().contains(HASH));
        assertThrows(IllegalArgumentException.class, () -> new ApiKeyRegistry(List.of("alice:nothex"), false, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new ApiKeyRegistry(List.of("anonymous:" + HASH), false, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new ApiKeyRegistry(List.of("a:" + HASH, "b:" + HASH), false, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new ApiKeyRegistry(List.of("a:" + HASH + ":0:5"), false, 1, 1));
    }

    @Test
    void theHighestLaneIsGrantedPerKeyAndDefaultsToNormal() {
        ApiKeyRegistry r = new ApiKeyRegistry(List.of("ops:" + HASH + ":::high",
                "batch:" + ApiKeyRegistry.sha256Hex("b") + ":2:3:LOW", "plain:" + ApiKeyRegistry.sha256Hex("p")),
                true, 4, 30, Priority.NORMAL);
        Caller ops = r.lookup("s3cret").orElseThrow();
        assertEquals(new Caller("ops", 4, 30, Priority.HIGH), ops);
        assertTrue(ops.mayUse(Priority.HIGH));
        Caller batch = r.lookup("b").orElseThrow();
        assertEquals(new Caller("batch", 2, 3, Priority.LOW), batch);
        assertFalse(batch.mayUse(Priority.NORMAL));
        assertTrue(batch.mayUse(Priority.LOW));
        Caller plain = r.lookup("p").orElseThrow();
        assertFalse(plain.mayUse(Priority.HIGH), "HIGH must be granted");
        assertTrue(plain.mayUse(Priority.NORMAL));
        assertFalse(r.anonymous().orElseThrow().mayUse(Priority.HIGH));
        assertThrows(IllegalArgumentException.class,
                () -> new ApiKeyRegistry(List.of("a:" + HASH + ":1:1:urgent"), false, 1, 1));
    }
}
