package dev.ist.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProblemPrinterTest {

    private static Problem problem(int status, String body, String retryAfter) {
        return GatewayClient.refusal(status, body == null ? null : body.getBytes(StandardCharsets.UTF_8), retryAfter)
                .problem();
    }

    @Test
    void printsTitleDetailAndEachFieldError() {
        Problem p = problem(422, "{\"type\":\"/problems/invalid-request\",\"title\":\"Invalid request\",\"status\":422,"
                + "\"detail\":\"2 fields refused\",\"errors\":[{\"field\":\"options.size\",\"message\":\"must be "
                + "between 16 and 2048\"},{\"field\":\"styles\",\"message\":\"at most 4\"}]}", null);
        assertEquals(List.of("Invalid request: 2 fields refused", "  options.size: must be between 16 and 2048",
                "  styles: at most 4"), ProblemPrinter.lines(p));
    }

    @Test
    void aDetailThatIsTheOnlyFieldErrorIsNotRepeated() {
        Problem p = problem(422, "{\"title\":\"Invalid request\",\"detail\":\"options.size: must be >= 16\","
                + "\"errors\":[{\"field\":\"options.size\",\"message\":\"must be >= 16\"}]}", null);
        assertEquals(List.of("Invalid request: options.size: must be >= 16"), ProblemPrinter.lines(p));
    }

    @Test
    void saysWhenToRetryARateLimit() {
        Problem p = problem(429, "{\"title\":\"Too many jobs in flight\",\"detail\":\"at most 4\"}", "12");
        assertEquals(List.of("Too many jobs in flight: at most 4", "  retry after 12 s"), ProblemPrinter.lines(p));
    }

    @Test
    void aBodyThatIsNotJsonStillGivesTheStatus() {
        Problem p = problem(502, "<html>Bad gateway</html>", null);
        assertEquals(List.of("HTTP 502"), ProblemPrinter.lines(p));
    }

    @Test
    void clientErrorsExitTwoAndServerErrorsThree() {
        assertEquals(ExitCodes.USAGE, GatewayClient.refusal(404, null, null).exitCode());
        assertEquals(ExitCodes.GATEWAY, GatewayClient.refusal(503, null, null).exitCode());
    }
}
