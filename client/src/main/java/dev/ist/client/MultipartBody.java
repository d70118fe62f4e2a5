package dev.ist.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A multipart/form-data body (RFC 7578) of text fields and files; files are streamed from disk, not buffered.
 */
public final class MultipartBody {

    private final String boundary = "ist-" + UUID.randomUUID();
    private final List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    public MultipartBody field(String name, String value) {
        parts.add(HttpRequest.BodyPublishers.ofString(header(name, null, "text/plain; charset=UTF-8") + value + "\r\n",
                StandardCharsets.UTF_8));
        names.add(name);
        return this;
    }

    /** A file part; its media type is judged from the first bytes (the gateway judges them too). */
    public MultipartBody file(String name, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw ClientException.usage("cannot read " + file + " (for part '" + name + "')");
        }
        try {
            parts.add(HttpRequest.BodyPublishers.ofString(
                    header(name, file.getFileName().toString(), mediaType(file)), StandardCharsets.UTF_8));
            parts.add(HttpRequest.BodyPublishers.ofFile(file));
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n", StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ClientException.usage("cannot read " + file + ": " + e.getMessage());
        }
        names.add(name);
        return this;
    }

    /** The part names in order (what a test checks). */
    public List<String> names() {
        return List.copyOf(names);
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public HttpRequest.BodyPublisher publisher() {
        List<HttpRequest.BodyPublisher> all = new ArrayList<>(parts);
        all.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n", StandardCharsets.UTF_8));
        return HttpRequest.BodyPublishers.concat(all.toArray(HttpRequest.BodyPublisher[]::new));
    }

    private String header(String name, String filename, String type) {
        StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(quote(name)).append('"');
        if (filename != null) {
            h.append("; filename=\"").append(quote(filename)).append('"');
        }
        return h.append("\r\nContent-Type: ").append(type).append("\r\n\r\n").toString();
    }

    // a quote or line break in a file name must not end the header early
    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }

    static String mediaType(Path file) throws IOException {
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return "image/png";
        }
        if (n >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff) {
            return "image/jpeg";
        }
        return "application/octet-stream";
    }
}
