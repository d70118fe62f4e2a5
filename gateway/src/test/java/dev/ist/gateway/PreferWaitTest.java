package dev.ist.gateway;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static dev.ist.gateway.support.Jobs.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Prefer: wait=N} on submit: 201 with the finished job when it ends in time, the usual 202 otherwise. */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class PreferWaitTest {

    private static Response submit(String key, String options, String prefer) {
        return as(key).header("Prefer", prefer)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("options", options)
                .when().post("/v1/jobs");
    }

    @Test
    void aQuickJobAnswers201WithTheFinishedJobAndItsResultLink() {
        Response r = submit(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":20}", "wait=30");
        assertEquals(201, r.statusCode(), r.asString());
        assertEquals("SUCCEEDED", r.path("status"));
        String id = r.path("id");
        assertEquals("/v1/jobs/" + id + "/result", r.path("links.result"));
        assertEquals("wait=30", r.header("Preference-Applied"));
        assertTrue(r.header("Location").endsWith("/v1/jobs/" + id));
    }

    @Test
    void aJobStillQueuedAfterTheWaitAnswersTheUsual202() {
        // the stand-in never starts the bench key's jobs
        Response r = submit(TestEnv.BENCH_KEY, "{\"size\":64,\"iterations\":20}", "respond-async, wait=1");
        assertEquals(202, r.statusCode(), r.asString());
        assertEquals("QUEUED", r.path("status"));
        assertEquals("wait=1", r.header("Preference-Applied"));
    }

    @Test
    void withoutTheHeaderOrWithAnUnusableOneNothingWaits() {
        Response r = submit(TestEnv.BENCH_KEY, "{\"size\":64,\"iterations\":20}", "wait=soon");
        assertEquals(202, r.statusCode(), r.asString());
        assertNull(r.header("Preference-Applied"));
    }
}
