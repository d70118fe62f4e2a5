package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressLineTest {

    private static JsonNode json(String s) throws Exception {
        return GatewayClient.JSON.readTree(s);
    }

    @Test
    void aQueuedJobShowsItsPositionAndEta() throws Exception {
        JobProgress p = JobProgress.queued("0123456789abcdef")
                .withStatus(json("{\"status\":\"QUEUED\",\"queue\":{\"position\":3,\"etaSeconds\":80}}"));
        assertEquals("job 01234567  queued  position 3  ETA 1m20s", ProgressLine.render(p));
    }

    @Test
    void theEtaOfAQueuedJobIsUnknownUntilTheGatewayKnowsOne() throws Exception {
        JobProgress p = JobProgress.queued("j1").withStatus(json("{\"status\":\"QUEUED\",\"queue\":{\"position\":1}}"));
        assertEquals("job j1  queued  position 1  ETA unknown", ProgressLine.render(p));
    }

    @Test
    void aRunningJobShowsBarIterationsLossesAndEta() throws Exception {
        JobProgress p = JobProgress.queued("j1")
                .with(json("{\"type\":\"RUNNING\",\"seq\":1,\"workerId\":\"worker-1\"}"))
                .with(json("{\"type\":\"PROGRESS\",\"seq\":2,\"progress\":{\"iteration\":30,\"total\":120,"
                        + "\"scale\":0,\"scales\":1,\"elapsedMs\":15000,"
                        + "\"losses\":{\"content\":12.5,\"style\":123456.0,\"tv\":0,\"total\":123468.5}}}"));
        // 30 of 120 done in 15 s: 90 left at 0.5 s each
        assertEquals("job j1  [######------------------] 30/120  25%  loss 1.23e5 (content 12.50, style 1.23e5, tv 0)"
                + "  ETA 45s", ProgressLine.render(p));
        assertEquals(45L, p.runningEtaSeconds());
    }

    @Test
    void multiScaleShowsTheScale() throws Exception {
        JobProgress p = JobProgress.queued("j1").with(json("{\"type\":\"PROGRESS\",\"progress\":{\"iteration\":10,"
                + "\"total\":20,\"scale\":1,\"scales\":3,\"elapsedMs\":1000,\"losses\":{\"content\":1,\"style\":2,"
                + "\"tv\":0,\"total\":3}}}"));
        assertEquals("job j1  [############------------] 10/20  50%  scale 2/3  loss 3.000 (content 1.000, style "
                + "2.000, tv 0)  ETA 1s", ProgressLine.render(p));
    }

    @Test
    void aRunningJobBeforeItsFirstIterationNamesItsWorker() throws Exception {
        JobProgress p = JobProgress.queued("j1").with(json("{\"type\":\"RUNNING\",\"workerId\":\"worker-2\"}"));
        assertEquals("job j1  running on worker-2", ProgressLine.render(p));
    }

    @Test
    void aFailedJobShowsItsCodeAndMessage() throws Exception {
        JobProgress p = JobProgress.queued("j1").with(json("{\"type\":\"FAILED\",\"failure\":{\"code\":"
                + "\"OUT_OF_MEMORY\",\"message\":\"try --size 512\"}}"));
        assertEquals("job j1  failed: OUT_OF_MEMORY: try --size 512", ProgressLine.render(p));
    }

    @Test
    void aLateQueuePollDoesNotMoveARunningJobBack() throws Exception {
        JobProgress p = JobProgress.queued("j1").with(json("{\"type\":\"RUNNING\"}"))
                .withStatus(json("{\"status\":\"QUEUED\",\"queue\":{\"position\":2}}"));
        assertEquals("RUNNING", p.status());
    }

    @Test
    void durationsReadAsMinutesAndHours() {
        assertEquals("9s", ProgressLine.duration(9));
        assertEquals("1m05s", ProgressLine.duration(65));
        assertEquals("1h01m", ProgressLine.duration(3700));
    }
}
