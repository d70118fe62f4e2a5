package dev.ist.gateway.api;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reading the {@code wait} preference of RFC 7240 from a Prefer header. */
class PreferWaitParseTest {

    @Test
    void readsTheWaitPreferenceAmongOthersAndCapsItAtSixtySeconds() {
        assertEquals(OptionalInt.of(5), PreferWait.parse("wait=5"));
        assertEquals(OptionalInt.of(10), PreferWait.parse("respond-async, Wait=10"));
        assertEquals(OptionalInt.of(60), PreferWait.parse("wait=3600"));
        assertEquals(OptionalInt.empty(), PreferWait.parse("return=minimal"));
        assertEquals(OptionalInt.empty(), PreferWait.parse("wait=-1"));
        assertEquals(OptionalInt.empty(), PreferWait.parse(null));
    }
}
