package dev.ist.gateway.store;

import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The projector's consumed positions in {@code projector_offsets}, read and written inside its transactions. */
final class ProjectorOffsets {

    private ProjectorOffsets() {
    }

    /** The stored next offsets of {@code partitions}; a partition never projected is absent. */
    static Map<TopicPartition, Long> read(Connection c, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT next_offset FROM projector_offsets WHERE topic = ? AND partition = ?")) {
            for (TopicPartition tp : partitions) {
                s.setString(1, tp.topic());
                s.setInt(2, tp.partition());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        out.put(tp, rs.getLong(1));
                    }
                }
            }
        }
        return out;
    }

    static void write(Connection c, Map<TopicPartition, Long> next) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO projector_offsets (topic, partition, next_offset) VALUES (?, ?, ?)
                ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset""")) {
            for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
                s.setString(1, e.getKey().topic());
                s.setInt(2, e.getKey().partition());
                s.setLong(3, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
