package dev.ist.gateway.store;

import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.Failure;
import dev.ist.common.event.NetworkInfo;
import dev.ist.common.event.Progress;
import dev.ist.common.job.JobRequest;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a job row (the columns of {@link #COLUMNS}) back into a {@link JobSnapshot}. */
final class JobRows {

    static final String COLUMNS = "request, state, last_seq, updated_at, progress, preview_key, result_key, failure, "
            + "timings, cancel_requested, worker_id, network";

    private static final JsonCodec CODEC = JsonCodec.shared();

    private JobRows() {
    }

    static JobSnapshot snapshot(ResultSet rs) throws SQLException {
        JobRequest request;
        try {
            request = CODEC.decodeRequest(bytes(rs.getString("request")));
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("unreadable request in the job row: " + e.getMessage(), e);
        }
        java.sql.Timestamp updated = rs.getTimestamp("updated_at");
        return new JobSnapshot(request, JobState.valueOf(rs.getString("state")), rs.getLong("last_seq"),
                updated == null ? request.submittedAt() : updated.toInstant(),
                read(rs.getString("progress"), Progress.class), rs.getString("preview_key"),
                rs.getString("result_key"), read(rs.getString("failure"), Failure.class), timings(rs.getString("timings")),
                rs.getBoolean("cancel_requested"), rs.getString("worker_id"),
                read(rs.getString("network"), NetworkInfo.class));
    }

    private static <T> T read(String json, Class<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return CODEC.decode(bytes(json), type);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in the job row", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> timings(String json) {
        if (json == null) {
            return Map.of();
        }
        Map<String, Long> out = new LinkedHashMap<>();
        read(json, Map.class).forEach((k, v) -> out.put((String) k, ((Number) v).longValue()));
        return Map.copyOf(out);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
