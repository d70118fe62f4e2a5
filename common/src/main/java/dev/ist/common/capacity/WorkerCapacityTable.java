package dev.ist.common.capacity;

import dev.ist.common.job.Precision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest advertisement of every live worker, as read from the compacted capacity topic: a record replaces the
 * worker's previous one, a tombstone removes it, and an advertisement older than {@code maxAge} (a worker that died
 * without its tombstone stops refreshing) no longer counts.
 */
public final class WorkerCapacityTable {
    private final Map<String, WorkerCapacity> latest = new ConcurrentHashMap<>();
    private final Duration maxAge;

    public WorkerCapacityTable(Duration maxAge) {
        this.maxAge = maxAge;
    }

    /** A record of the topic; {@code capacity} null = the worker's tombstone. */
    public void apply(String workerId, WorkerCapacity capacity) {
        if (workerId == null) {
            return;
        }
        if (capacity == null) {
            latest.remove(workerId);
        } else {
            latest.merge(workerId, capacity, (old, now) -> now.at().isBefore(old.at()) ? old : now);
        }
    }

    /** The advertisements not older than the maximum age at {@code now}. */
    public List<WorkerCapacity> live(Instant now) {
        Instant oldest = now.minus(maxAge);
        return latest.values().stream().filter(c -> !c.at().isBefore(oldest))
                .sorted(Comparator.comparing(WorkerCapacity::workerId)).toList();
    }

    /** The live workers grouped into classes (per pool, device kind, budget and cap), smallest budget first. */
    public List<WorkerClass> classes(Instant now) {
        Map<String, List<WorkerCapacity>> groups = new LinkedHashMap<>();
        for (WorkerCapacity c : live(now)) {
            groups.computeIfAbsent(c.pool() + "/" + deviceKind(c.device()) + "/" + c.memoryBudgetBytes() + "/" + c.maxOutputPixels(),
                    k -> new ArrayList<>()).add(c);
        }
        List<WorkerClass> classes = new ArrayList<>();
        for (List<WorkerCapacity> members : groups.values()) {
            double sum = 0;
            int measured = 0;
            Map<Precision, double[]> perPrecision = new EnumMap<>(Precision.class); // sum, count
            for (WorkerCapacity c : members) {
                if (c.pixelsPerSecond() > 0) {
                    sum += c.pixelsPerSecond();
                    measured++;
                }
                c.pixelsPerSecondByPrecision().forEach((p, rate) -> {
                    double[] acc = perPrecision.computeIfAbsent(p, k -> new double[2]);
                    acc[0] += rate;
                    acc[1]++;
                });
            }
            Map<Precision, Double> means = new EnumMap<>(Precision.class);
            perPrecision.forEach((p, acc) -> means.put(p, acc[0] / acc[1]));
            WorkerCapacity first = members.get(0);
            classes.add(new WorkerClass(deviceKind(first.device()), first.memoryBudgetBytes(),
                    measured == 0 ? 0 : sum / measured, first.maxOutputPixels(), members.size(), first.pool(), means));
        }
        classes.sort(Comparator.comparingLong(WorkerClass::memoryBudgetBytes).thenComparing(WorkerClass::device));
        return classes;
    }

    private static String deviceKind(String device) {
        int colon = device.indexOf(':');
        return colon < 0 ? device : device.substring(0, colon);
    }
}
