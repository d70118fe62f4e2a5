package dev.ist.gateway.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Every row of the job store's tables as text, in a fixed order: two projections compare equal or not. */
final class TableDump {

    private TableDump() {
    }

    static List<String> of(DataSource ds) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            dump(s, "SELECT * FROM jobs ORDER BY job_id", rows);
            dump(s, "SELECT * FROM job_events ORDER BY job_id, seq", rows);
            dump(s, "SELECT * FROM projector_offsets ORDER BY topic, partition", rows);
        }
        return rows;
    }

    private static void dump(Statement s, String sql, List<String> rows) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder(md.getTableName(1)).append(':');
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    b.append(md.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                }
                rows.add(b.toString());
            }
        }
    }
}
