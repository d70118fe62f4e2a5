package dev.ist.gateway.support;

import dev.ist.testkit.PostgresServer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The two login roles of a production job store, made on the testkit's server by its superuser: {@code owner} owns the
 * database and its schema (Flyway migrates as it) and {@code runtime} is created with no rights at all (the gateway's
 * datasource runs as it and gets its DML from the migration's grants). Passwords are random per run.
 */
public record DatabaseRoles(String url, String owner, String ownerPassword, String runtime, String runtimePassword) {

    /** Creates both roles (names start with {@code prefix}; roles are server-wide) and hands {@code database} over. */
    public static DatabaseRoles create(PostgresServer server, String database, String prefix) {
        DatabaseRoles roles = new DatabaseRoles(server.jdbcUrl(database), prefix + "_owner",
                UUID.randomUUID().toString(), prefix + "_runtime", UUID.randomUUID().toString());
        try (Connection c = server.admin().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + roles.owner + " LOGIN PASSWORD '" + roles.ownerPassword + "'");
            s.execute("CREATE ROLE " + roles.runtime + " LOGIN PASSWORD '" + roles.runtimePassword + "'");
            s.execute("ALTER DATABASE " + database + " OWNER TO " + roles.owner);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the database roles: " + e.getMessage(), e);
        }
        // as PostgreSQL 15+ does for a new database (the testkit's server is 14): its owner owns schema public
        try (Connection c = DriverManager.getConnection(roles.url, PostgresServer.USER, PostgresServer.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("ALTER SCHEMA public OWNER TO " + roles.owner);
        } catch (SQLException e) {
            throw new IllegalStateException("could not hand schema public to " + roles.owner + ": " + e.getMessage(), e);
        }
        return roles;
    }

    public Connection asOwner() throws SQLException {
        return DriverManager.getConnection(url, owner, ownerPassword);
    }

    public Connection asRuntime() throws SQLException {
        return DriverManager.getConnection(url, runtime, runtimePassword);
    }
}
