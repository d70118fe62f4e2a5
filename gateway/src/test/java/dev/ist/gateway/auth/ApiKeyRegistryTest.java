package dev.ist.gateway.auth;

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
}
