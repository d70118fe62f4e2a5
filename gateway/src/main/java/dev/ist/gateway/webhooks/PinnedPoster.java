package dev.ist.gateway.webhooks;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 POST to an address that was checked beforehand: the socket connects to exactly that address (no second
 * resolution a rebinding DNS could answer differently), TLS verifies the certificate for the URL's host name, and a
 * redirect is only a status code, never followed.
 */
final class PinnedPoster {

    /** What one attempt produced: the status (0 when there was no response) and the error, if any. */
    record Outcome(int status, String error, long latencyMs) {
        boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    private final Duration timeout;

    PinnedPoster(Duration timeout) {
        this.timeout = timeout;
    }

    Outcome post(URI uri, InetAddress address, Map<String, String> headers, byte[] body) {
        long t0 = System.nanoTime();
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, port), ms);
            plain.setSoTimeout(ms);
            Socket socket = tls ? wrap(plain, uri.getHost(), port) : plain;
            try (socket) {
                OutputStream out = socket.getOutputStream();
                StringBuilder head = new StringBuilder();
                String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                if (uri.getRawQuery() != null) {
                    path += "?" + uri.getRawQuery();
                }
                head.append("POST ").append(path).append(" HTTP/1.1\r\n");
                boolean defaultPort = uri.getPort() < 0;
                head.append("Host: ").append(uri.getHost()).append(defaultPort ? "" : ":" + port).append("\r\n");
                head.append("User-Agent: ist-webhooks/1\r\n");
                head.append("Content-Type: application/json\r\n");
                head.append("Content-Length: ").append(body.length).append("\r\n");
                head.append("Connection: close\r\n");
                for (Map.Entry<String, String> h : headers.entrySet()) {
                    head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
                }
                head.append("\r\n");
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                int status = readStatus(socket.getInputStream());
                return new Outcome(status, status >= 300 && status < 400 ? "redirect not followed" : null,
                        elapsed(t0));
            }
        } catch (IOException | RuntimeException e) {
            return new Outcome(0, e.getClass().getSimpleName() + ": " + e.getMessage(), elapsed(t0));
        } finally {
            try {
                plain.close();
            } catch (IOException ignored) {
                // closing after an attempt; nothing to do
            }
        }
    }

    private static Socket wrap(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, host, port,
                true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must be for the URL's host
        p.setServerNames(List.of(new SNIHostName(host)));
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    // "HTTP/1.1 204 No Content" — only the status matters; the body is not read (bounded by Connection: close)
    private static int readStatus(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (line.size() > 512) {
                throw new IOException("status line too long");
            }
            line.write(c);
        }
        String s = line.toString(StandardCharsets.US_ASCII).trim();
        String[] parts = s.split(" ");
        if (parts.length < 2 || !parts[0].toUpperCase(Locale.ROOT).startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + (s.length() > 60 ? s.substring(0, 60) : s));
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status line");
        }
    }

    private static long elapsed(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
