package dev.ist.gateway.http;

import dev.ist.gateway.api.ProblemException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a request body with a hard cap: the first byte over it ends the read with a 413, nothing more is kept. */
public final class BoundedBody {

    private BoundedBody() {
    }

    /** The whole body in memory, for small bodies (JSON) only. */
    public static byte[] read(InputStream in, long max, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy(in, out, max, what);
        return out.toByteArray();
    }

    /** The body spooled to a fresh temporary file (the caller deletes it). */
    public static Path spool(InputStream in, long max, String what) {
        Path file;
        try {
            file = Files.createTempFile("ist-upload-", ".bin");
        } catch (IOException e) {
            throw new UncheckedIOException("no room for a temporary upload file", e);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            copy(in, out, max, what);
            return file;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the refusal matters more than the leftover file
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new UncheckedIOException("could not spool the upload", (IOException) e);
        }
    }

    private static void copy(InputStream in, OutputStream out, long max, String what) {
        if (in == null) {
            return;
        }
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > max) {
                    throw tooLarge(what, max);
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new ProblemException(400, "unreadable-body", "The request body could not be read",
                    "the connection ended before the body did");
        }
    }

    public static ProblemException tooLarge(String what, long max) {
        return new ProblemException(413, "too-many-bytes", "The request body is too large",
                what + " is over the limit of " + max + " bytes", java.util.List.of(
                new dev.ist.common.job.FieldError(what, "at most " + max + " bytes are allowed")), "too_many_bytes")
                .with("field", what).with("limit", max);
    }
}
