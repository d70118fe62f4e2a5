package dev.ist.testkit;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real S3 API server on loopback: S3Proxy in front of an in-memory jclouds blob store, with AWS signature v2/v4
 * authentication enforced for a fixed test identity. {@link #shared()} starts one per JVM.
 *
 * <p>{@link #stop()} and {@link #restart()} take the HTTP endpoint down and bring it back on the same port with the
 * same blob store, so a test can make storage unreachable in the middle of an operation and then heal it: objects
 * written before the stop are still there after the restart.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "ist-test-access";
    public static final String SECRET_KEY = "ist-test-secret-0123456789";
    /** S3Proxy ignores the region, but signatures need one; MinIO's default. */
    public static final String REGION = "us-east-1";

    private static final Object LOCK = new Object();
    private static S3Server shared;

    private final BlobStoreContext context;
    private final BlobStore blobStore;
    private int port;
    private S3Proxy proxy;
    private boolean closed;

    private S3Server(BlobStoreContext context) {
        this.context = context;
        this.blobStore = context.getBlobStore();
    }

    /** The server of this JVM, started on first call and stopped by a shutdown hook. */
    public static S3Server shared() {
        synchronized (LOCK) {
            if (shared == null) {
                S3Server server = start();
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ist-testkit-s3-stop"));
                shared = server;
            }
            return shared;
        }
    }

    /** A private server with its own empty store, for a test that stops it; closing it is the caller's job. */
    public static S3Server start() {
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials("ist-testkit", "ist-testkit")
                .buildView(BlobStoreContext.class);
        S3Server server = new S3Server(context);
        try {
            server.launch(0);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        return server;
    }

    private void launch(int requestedPort) {
        S3Proxy p = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            p.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"STARTED".equals(p.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within 30 s (state " + p.getState() + ")");
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            try {
                p.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not start S3Proxy on port " + requestedPort + ": " + e, e);
        }
        this.proxy = p;
        this.port = p.getPort();
    }

    /** {@code http://127.0.0.1:<port>}; stays the same across {@link #stop()}/{@link #restart()}. */
    public synchronized String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public synchronized int port() {
        return port;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String region() {
        return REGION;
    }

    /** Settings that point IST's image store at this server and {@code bucket} ({@code ist.s3.*} keys). */
    public java.util.Map<String, String> istConfig(String bucket) {
        return java.util.Map.of(
                "ist.s3.endpoint", endpoint(),
                "ist.s3.access-key", ACCESS_KEY,
                "ist.s3.secret-key", SECRET_KEY,
                "ist.s3.region", REGION,
                "ist.s3.bucket", bucket);
    }

    public synchronized boolean isRunning() {
        return proxy != null;
    }

    /** Closes the listening socket: clients get "connection refused" until {@link #restart()}. Data is kept. */
    public synchronized void stop() {
        ensureOpen();
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop S3Proxy: " + e, e);
        } finally {
            proxy = null;
        }
    }

    /** Serves the same blob store on the same port again; a no-op when already running. */
    public synchronized void restart() {
        ensureOpen();
        if (proxy != null) {
            return;
        }
        // the port was ours a moment ago; Jetty binds with SO_REUSEADDR, but retry briefly in case of TIME_WAIT
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                launch(port);
                return;
            } catch (IllegalStateException e) {
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }

    /** Creates a bucket directly in the store (no S3 request), e.g. to prepare a test. */
    public void createBucket(String bucket) {
        blobStore.createContainerInLocation(null, bucket);
    }

    public boolean bucketExists(String bucket) {
        return blobStore.containerExists(bucket);
    }

    /** Every object key in {@code bucket}, read from the store itself, so a test sees what was really stored. */
    public List<String> keys(String bucket) {
        List<String> keys = new ArrayList<>();
        ListContainerOptions options = ListContainerOptions.Builder.recursive();
        String marker = null;
        do {
            ListContainerOptions page = marker == null ? options : options.clone().afterMarker(marker);
            var listing = blobStore.list(bucket, page);
            for (StorageMetadata m : listing) {
                if (m.getName() != null && m.getType() == org.jclouds.blobstore.domain.StorageType.BLOB) {
                    keys.add(m.getName());
                }
            }
            marker = listing.getNextMarker();
        } while (marker != null);
        return keys;
    }

    /** The blob store behind the server, for assertions a test cannot make over S3. */
    public BlobStore blobStore() {
        return blobStore;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            if (proxy != null) {
                proxy.stop();
            }
        } catch (Exception e) {
            // nothing useful to do at shutdown: the port goes with the JVM
        } finally {
            proxy = null;
            closed = true;
            context.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the test S3 server is closed");
        }
    }
}
