package dev.ist.gateway;

import dev.ist.gateway.support.DatabaseRoles;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Least privilege on the job store, on a real PostgreSQL: the gateway migrates as the database's owner, serves and
 * projects as a runtime role that was created with no rights, and that role can read and write the job rows but not
 * drop, truncate, alter or create a table, nor rewrite Flyway's history.
 */
@QuarkusTest
@TestProfile(DatabaseRolesTest.SeparateRoles.class)
class DatabaseRolesTest {

    /** SQLSTATE insufficient_privilege (also "must be owner of table"). */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    public static class SeparateRoles implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(IstTestResource.class,
                    Map.of(IstTestResource.SEPARATE_DATABASE_ROLES, "true")));
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Test
    void flywayMigratesAsTheOwnerAndTheGatewayRunsAsTheRuntimeRole() throws Exception {
        DatabaseRoles roles = TestEnv.databaseRoles();
        try (Connection c = roles.asOwner(); Statement s = c.createStatement()) {
            List<String> installers = column(s, "SELECT DISTINCT installed_by FROM flyway_schema_history");
            assertEquals(List.of(roles.owner()), installers, "every migration ran as the owner");
            for (String table : List.of("jobs", "job_events", "projector_offsets")) {
                assertEquals(List.of(roles.owner()),
                        column(s, "SELECT tableowner FROM pg_tables WHERE tablename = '" + table + "'"), table);
            }
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            assertEquals(List.of(roles.runtime()), column(s, "SELECT current_user"));
        }
        // the projector (writes as the runtime role) and the API (reads as it) work: a seeded job shows up ...
        Jobs.awaitStatus(TestEnv.ALICE_KEY, TestEnv.seededJobId(), "SUCCEEDED", Duration.ofSeconds(60));
        // ... and a new one is admitted (an INSERT by the API) and run to its end (the projector's UPDATEs)
        String id = Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":20}");
        Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "SUCCEEDED", Duration.ofSeconds(60));
    }

    @Test
    void theRuntimeRoleMayNotDropTruncateAlterOrCreateTables() throws Exception {
        DatabaseRoles roles = TestEnv.databaseRoles();
        try (Connection c = roles.asRuntime(); Statement s = c.createStatement()) {
            assertEquals(List.of("t"), column(s, "SELECT count(*) >= 0 FROM jobs"), "it may read the job rows");
            assertRefused(s, "DROP TABLE job_events");
            assertRefused(s, "TRUNCATE jobs");
            assertRefused(s, "TRUNCATE projector_offsets");
            assertRefused(s, "ALTER TABLE jobs ADD COLUMN intruder text");
            assertRefused(s, "CREATE TABLE intruder (id int)");
            assertRefused(s, "CREATE INDEX intruder ON jobs (owner)");
            assertRefused(s, "DELETE FROM flyway_schema_history");
            assertRefused(s, "SELECT * FROM flyway_schema_history");
            assertFalse(column(s, "SELECT rolsuper::text || rolcreaterole::text || rolcreatedb::text FROM pg_roles"
                    + " WHERE rolname = current_user").get(0).contains("true"));
        }
        try (Connection c = roles.asOwner(); Statement s = c.createStatement()) {
            assertEquals(List.of("0"), column(s, "SELECT count(*) FROM pg_tables WHERE tablename = 'intruder'"));
            assertTrue(column(s, "SELECT column_name FROM information_schema.columns WHERE table_name = 'jobs'")
                    .stream().noneMatch("intruder"::equals));
        }
    }

    private static void assertRefused(Statement s, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertEquals(INSUFFICIENT_PRIVILEGE, e.getSQLState(), sql + ": " + e.getMessage());
    }

    private static List<String> column(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
