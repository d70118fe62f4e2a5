package dev.ist.gateway.api;

import java.util.List;
import java.util.Map;

/**
 * One page of the caller's jobs, newest first; {@code links.next} and {@code nextCursor} are absent on the last page.
 *
 * @param page       the page number asked for (0 with cursors; page numbers are deprecated)
 * @param nextCursor pass it as {@code cursor} for the next page (keyset pagination: stable while jobs are added)
 */
public record JobPage(List<JobResponse> items, int page, int size, int total, Map<String, String> links,
                      String nextCursor) {
}
