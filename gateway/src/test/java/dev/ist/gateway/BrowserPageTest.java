package dev.ist.gateway;

import dev.ist.gateway.support.BrowserRun;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;

/**
 * The web page in a real browser: Debian's headless Chromium driven by playwright-core (node), against the running
 * gateway, the real broker and S3, and the worker stand-in. The script pastes an API key, submits a job, watches
 * the progress bar, preview and loss chart move, sees the result and the recent jobs list, tries a bad file, and
 * saves screenshots under target/screenshots/with-key.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class BrowserPageTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aUserSubmitsAJobWatchesItProgressGetsTheResultAndSeesAReadableErrorForABadFile() throws Exception {
        BrowserRun.run(base, TestEnv.PAGE_KEY, "with-key");
    }
}
