package dev.ist.gateway.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * One page of the caller's jobs, newest first; {@code links.next} and {@code nextCursor} are absent on the last page.
 *
 * @param page       the page number asked for (0 with cursors; page numbers are deprecated)
 * @param total      how many jobs match, counted up to {@link #COUNT_LIMIT}: beyond it {@code total} is the limit
 *                   and {@code totalExact} is false (an exact count of a large history would cost every page call)
 * @param totalExact whether {@code total} is the exact number of matching jobs
 * @param nextCursor pass it as {@code cursor} for the next page (keyset pagination: stable while jobs are added)
 */
public record JobPage(List<JobResponse> items, int page, int size,
                      @Schema(description = "Matching jobs, counted up to 10000; see totalExact") int total,
                      @Schema(description = "false when there are more than 10000 matching jobs: total is then 10000")
                      boolean totalExact,
                      Map<String, String> links, String nextCursor) {

    /** The most jobs a list call counts. */
    public static final int COUNT_LIMIT = 10_000;
}
