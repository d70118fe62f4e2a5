package dev.ist.worker.engine.weights;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Fetches a weights file from a URL into a local file. The engine only says where from and where to; the transport
 * (HTTP, with its timeouts and redirects) lives outside the engine, so the engine imports no network client.
 */
@FunctionalInterface
public interface WeightsDownload {

    /**
     * Writes the body found at {@code url} to {@code target} (replacing it).
     *
     * @throws dev.ist.worker.engine.WeightsException when the server answers but refuses (e.g. an HTTP status)
     * @throws IOException                            when the transfer fails
     */
    void copy(URI url, Path target) throws IOException, InterruptedException;
}
