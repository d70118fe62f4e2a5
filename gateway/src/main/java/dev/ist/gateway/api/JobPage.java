package dev.ist.gateway.api;

import java.util.List;
import java.util.Map;

/** One page of the caller's jobs, newest first; {@code links.next} is absent on the last page. */
public record JobPage(List<JobResponse> items, int page, int size, int total, Map<String, String> links) {
}
