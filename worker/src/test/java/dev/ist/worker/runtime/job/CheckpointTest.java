package dev.ist.worker.runtime.job;

import dev.ist.worker.engine.EngineState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CheckpointTest {

    private static Checkpoint sample() {
        float[] image = new float[3 * 4 * 2];
        Arrays.fill(image, 0.25f);
        EngineState state = new EngineState(0, 30, 4, 2, image, 42, new byte[] {1, 2, 3});
        return new Checkpoint("3f0c7a51-0a8e-4c1e-9d7e-4b3f7c1d2e10", 30, 62, 100, "worker-1",
                Instant.ofEpochMilli(1_700_000_000_123L), state);
    }

    @Test
    void roundTripsEveryField() {
        Checkpoint c = sample();
        Checkpoint back = Checkpoint.fromBytes(c.toBytes());
        assertEquals(c, back);
        assertEquals(30, back.state().iteration());
        assertEquals(62, back.lastSeq());
    }

    @Test
    void refusesBytesThatAreNotACheckpoint() {
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.fromBytes(new byte[] {1, 2, 3}));
        byte[] bytes = sample().toBytes();
        bytes[bytes.length - 20] ^= 0x55; // inside the engine state: its CRC catches it
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.fromBytes(bytes));
        assertEquals(true, e.getMessage().contains("checksum"), e.getMessage());
    }
}
