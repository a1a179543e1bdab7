package org.dsvstudio.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.dsvstudio.TestSupport;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DjlEngineTest {

    @Test
    void theEngineStartsOfflineOnTheCpuWithNativesInTheUserCache() throws Exception {
        DjlEngine engine = TestSupport.engine();
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("PyTorch", engine.engine().getEngineName());
        assertTrue(engine.versionLine().contains("2.7.1"), engine.versionLine());
        assertEquals(Device.cpu(), engine.device());
        assertTrue(Files.isDirectory(DjlEngine.cacheDir()), "native cache " + DjlEngine.cacheDir());
        System.out.println("engine start: " + engine.startMillis() + " ms, " + engine.deviceNote());
        float sum = TestSupport.compute(() -> {
            try (NDManager m = NDManager.newBaseManager(engine.device())) {
                return m.ones(new ai.djl.ndarray.types.Shape(3, 4)).sum().getFloat();
            }
        });
        assertEquals(12f, sum);
    }

    @Test
    void deviceChoicesParseAndRejectNonsense() {
        assertEquals(DeviceChoice.AUTO, DeviceChoice.parse("Auto"));
        assertEquals(DeviceChoice.GPU, DeviceChoice.parse("cuda"));
        assertEquals(DeviceChoice.CPU, DeviceChoice.parse("cpu"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("tpu"));
        assertTrue(e.getMessage().contains("auto, cpu or gpu"));
    }

    @Test
    void workRunsOnTheSingleComputeThread() throws Exception {
        String name = ComputeThread.get().call(() -> Thread.currentThread().getName());
        assertEquals("dsv-compute", name);
        assertTrue(ComputeThread.get().call(() -> ComputeThread.get().isComputeThread()));
    }
}
