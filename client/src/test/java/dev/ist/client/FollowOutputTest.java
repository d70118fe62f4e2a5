package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FollowOutputTest {

    private static JsonNode json(String s) throws Exception {
        return GatewayClient.JSON.readTree(s);
    }

    private static JsonNode progress(int iteration) throws Exception {
        return json("{\"type\":\"PROGRESS\",\"seq\":" + (iteration + 2) + ",\"progress\":{\"iteration\":" + iteration
                + ",\"total\":100,\"scale\":0,\"scales\":1,\"elapsedMs\":" + (iteration * 100) + ",\"losses\":"
                + "{\"content\":1,\"style\":2,\"tv\":0,\"total\":3}}}");
    }

    @Test
    void withoutATerminalAPlainLineIsPrintedPerStateChangeAndPerTenthOfProgress() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HumanOutput out = new HumanOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        JobProgress p = JobProgress.queued("j1");
        out.progress(p, null);
        p = p.with(json("{\"type\":\"RUNNING\",\"workerId\":\"w1\"}"));
        out.progress(p, null);
        for (int i = 1; i <= 25; i++) {
            p = p.with(progress(i));
            out.progress(p, null);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        // queued, running, then iterations 1 (0 %), 10, 20 (each tenth)
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(4).contains("20/100"), lines.get(4));
        assertTrue(lines.stream().noneMatch(l -> l.contains("\r")));
    }

    @Test
    void onATerminalOneLineIsRewrittenInPlace() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HumanOutput out = new HumanOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        JobProgress p = JobProgress.queued("j1").with(progress(1));
        out.progress(p, null);
        out.progress(p.with(progress(2)), null);
        out.finish();
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, s.chars().filter(c -> c == '\r').count());
        assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one line, ended once");
    }

    @Test
    void jsonLinesCarryKindJobIdAndTheEventFields() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonOutput out = new JsonOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        out.submitted(json("{\"id\":\"j1\",\"status\":\"QUEUED\"}"), 202);
        JobProgress p = JobProgress.queued("j1").withStatus(json("{\"status\":\"QUEUED\",\"queue\":{\"position\":2}}"));
        out.progress(p, null);
        JsonNode e = progress(50);
        out.progress(p.with(e), e);
        out.reconnecting("j1", 1, Duration.ofMillis(2000), "52", "closed");
        out.result("j1", Path.of("out.png"), 123);
        List<JsonNode> lines = bytes.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return json(l);
            } catch (Exception ex) {
                throw new AssertionError("not JSON: " + l);
            }
        }).toList();
        assertEquals(List.of("submitted", "queue", "event", "reconnect", "result"),
                lines.stream().map(n -> n.path("kind").asText()).toList());
        assertTrue(lines.stream().allMatch(n -> n.path("jobId").asText().equals("j1")));
        assertEquals(2, lines.get(1).path("position").asInt());
        assertTrue(lines.get(1).get("etaSeconds").isNull());
        assertEquals("PROGRESS", lines.get(2).path("type").asText());
        assertEquals(50, lines.get(2).path("progress").path("iteration").asInt());
        assertEquals(5, lines.get(2).path("etaSeconds").asLong(), "50 left at 100 ms each");
        assertEquals("52", lines.get(3).path("lastEventId").asText());
        assertEquals(123, lines.get(4).path("bytes").asLong());
    }
}
