package dev.ist.worker.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineStateTest {
    @Test
    void roundTripsThroughBytes() {
        float[] image = new float[3 * 4 * 2];
        for (int i = 0; i < image.length; i++) {
            image[i] = i / 10f;
        }
        EngineState state = new EngineState(1, 42, 4, 2, image, 7L, new byte[] {1, 2, 3});
        EngineState back = EngineState.fromBytes(state.toBytes());
        assertEquals(state, back);
        assertEquals(42, back.iteration());
    }

    @Test
    void aCorruptedCheckpointIsRejected() {
        byte[] bytes = new EngineState(0, 1, 2, 2, new float[12], 0, null).toBytes();
        bytes[30] ^= 0x40;
        EngineException e = assertThrows(EngineException.class, () -> EngineState.fromBytes(bytes));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertThrows(EngineException.class, () -> EngineState.fromBytes(new byte[] {1, 2, 3}));
    }
}
