package dev.ist.worker.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeviceSelectorTest {
    @Test
    void autoPrefersTheFirstGpuAndFallsBackToCpuOnlyWhenNoneExists() {
        assertEquals("gpu:0", DeviceSelector.select("auto", 2).toString());
        assertEquals("cpu", DeviceSelector.select("auto", 0).toString());
        assertEquals("cpu", DeviceSelector.select(null, 0).toString());
    }

    @Test
    void explicitChoicesAreHonouredOrRefused() {
        assertEquals("cpu", DeviceSelector.select("CPU", 4).toString());
        assertEquals("gpu:0", DeviceSelector.select("gpu", 1).toString());
        assertEquals("gpu:1", DeviceSelector.select("gpu:1", 2).toString());
        assertEquals("gpu:1", DeviceSelector.select("cuda:1", 2).toString());
        assertThrows(InvalidSpecException.class, () -> DeviceSelector.select("gpu", 0));
        assertThrows(InvalidSpecException.class, () -> DeviceSelector.select("gpu:2", 2));
        assertThrows(InvalidSpecException.class, () -> DeviceSelector.select("gpu:x", 2));
        assertThrows(InvalidSpecException.class, () -> DeviceSelector.select("tpu", 2));
    }
}
