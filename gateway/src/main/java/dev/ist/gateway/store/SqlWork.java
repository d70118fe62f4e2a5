package dev.ist.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on one JDBC connection. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
