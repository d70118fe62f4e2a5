package dev.ist.worker.download;

import dev.ist.worker.engine.WeightsException;
import dev.ist.worker.engine.weights.WeightsDownload;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/** The weights download over HTTP(S): a 15 s connect timeout, redirects followed, anything but 200 refused. */
public final class HttpWeightsDownload implements WeightsDownload {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    @Override
    public void copy(URI url, Path target) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(url).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new WeightsException("downloading VGG19 weights from " + url + " failed with HTTP "
                        + response.statusCode());
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
