package dev.ist.gateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A packaged gateway started as a child process (forked ITs, benches). */
public final class GatewayProcess {

    private GatewayProcess() {
    }

    /**
     * Polls {@code /q/health/ready} until it answers 200; fails with the log when the process exits or the time runs
     * out.
     */
    public static void awaitReady(URI base, Process process, Path log, Duration timeout, Duration every)
            throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(every.toMillis());
        }
        throw new IllegalStateException("the gateway was not ready within " + timeout + "; log "
                + log.toAbsolutePath() + ":\n" + Files.readString(log));
    }
}
