package dev.ist.gateway.support;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser scripts' time limit holds even when a process the script started keeps its output open. */
class BrowserRunTest {

    @Test
    void aScriptThatHangsWithAChildHoldingItsOutputFailsAtTheLimitAndTheChildIsKilled() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "browser-run-test").toAbsolutePath());
        Path pidFile = dir.resolve("child.pid");
        Files.deleteIfExists(pidFile);
        // like a wedged Chromium: a child that inherits stdout, and a parent that never exits
        Files.writeString(dir.resolve("hang.mjs"), """
                import { spawn } from 'node:child_process';
                import fs from 'node:fs';
                const child = spawn('sleep', ['600'], { stdio: ['ignore', 'inherit', 'inherit'] });
                fs.writeFileSync(process.argv[2], String(child.pid));
                console.log('started');
                setInterval(() => {}, 1000);
                """);
        AssertionError e = assertThrows(AssertionError.class, () -> BrowserRun.node(dir, "/bin/false", "hang.mjs",
                List.of(pidFile.toString()), "never printed", "hang", 3));
        assertTrue(e.getMessage().contains("did not end within 3 s"), e.getMessage());
        long childPid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(childPid).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false), "the child was killed");
    }
}
