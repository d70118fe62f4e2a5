package dev.ist.gateway;

import dev.ist.gateway.support.BrowserRun;
import dev.ist.gateway.support.FleetAdverts;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.TestEnv;
import dev.ist.testkit.TestImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;

/**
 * The page's quote in a real browser (Chromium through playwright-core, {@code src/test/browser/quote.test.mjs})
 * against the gateway with a fleet advertised on the real broker's capacity topic: a small (1 GiB) and a big
 * (1.5 GiB) CPU class, as in FleetAdmissionTest. The script checks that the figures the page shows are the ones of
 * its own dry run, that a size no class fits offers the largest that does and one click sets it, and that the
 * submitted job shows the estimate of its 202 beside its queue position.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class PageQuoteBrowserTest {
    private static final long MIB = 1L << 20;

    @TestHTTPResource("/")
    URI base;

    @Test
    void thePageQuotesTheChoicesOffersTheLargestFittingSizeAndShowsTheAcceptedJobsEstimate() throws Exception {
        try (FleetAdverts fleet = new FleetAdverts(TestEnv.PAGE_KEY)) {
            fleet.cpuWorker("page-small-1", 1024 * MIB).cpuWorker("page-big-1", 1536 * MIB).awaitClasses(2);
            BrowserRun.runQuote(base, TestEnv.PAGE_KEY, TestImages.gradientPng(96, 72), "quote");
        }
    }
}
