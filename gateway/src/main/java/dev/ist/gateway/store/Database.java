package dev.ist.gateway.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work on the job database, in a transaction or as a read. Any {@link SQLException} that escapes becomes a
 * {@link JobStoreUnavailableException}, which the API answers with 503 and Retry-After.
 */
public final class Database {

    private final DataSource dataSource;

    public Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** {@code work} on a connection in auto-commit mode (reads). */
    public <T> T read(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return work.run(c);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Whether the database answers a trivial query within {@code timeoutSeconds}. */
    public boolean reachable(int timeoutSeconds) {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(timeoutSeconds);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    static JobStoreUnavailableException unavailable(SQLException e) {
        return new JobStoreUnavailableException("the job database is unavailable: " + e.getMessage(), e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the transaction dies with it
        }
    }
}
