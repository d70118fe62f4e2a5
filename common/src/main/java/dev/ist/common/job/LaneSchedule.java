package dev.ist.common.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * The order in which a worker takes jobs from the priority lanes, shared by the workers (which pick with it) and the
 * gateway (which replays it to compute queue positions).
 *
 * <p>Smooth weighted round robin over the lanes that have a job waiting: each pick, every waiting lane earns its
 * weight in credit, the lane with the most credit wins (ties: the higher lane) and pays back the sum of the waiting
 * lanes' weights. A lane with nothing waiting holds no credit (it neither banks turns nor keeps a debt). With every
 * lane backlogged and weights 8 : 3 : 1 that is exactly 8 HIGH, 3 NORMAL and 1 LOW in every 12 picks, interleaved;
 * a lone lane takes every pick. Starvation is ruled out twice: by the credits, and by an explicit bound: a lane
 * passed over {@code sum of weights} picks in a row while waiting is taken next, whatever the credits say.
 *
 * <p>Not thread-safe: a worker's poll thread is its only user.
 */
public final class LaneSchedule {

    /** HIGH : NORMAL : LOW. */
    public static final Map<Priority, Integer> DEFAULT_WEIGHTS = Map.of(Priority.HIGH, 8, Priority.NORMAL, 3,
            Priority.LOW, 1);

    private final EnumMap<Priority, Integer> weights = new EnumMap<>(Priority.class);
    private final EnumMap<Priority, Long> credit = new EnumMap<>(Priority.class);
    private final EnumMap<Priority, Integer> passedOver = new EnumMap<>(Priority.class);
    private final int maxPassedOver;

    public LaneSchedule(Map<Priority, Integer> weights) {
        int sum = 0;
        for (Priority p : Priority.values()) {
            Integer w = weights.get(p);
            if (w == null || w < 1 || w > 1000) {
                throw new IllegalArgumentException("the weight of lane " + p + " must be between 1 and 1000");
            }
            this.weights.put(p, w);
            credit.put(p, 0L);
            passedOver.put(p, 0);
            sum += w;
        }
        this.maxPassedOver = sum;
    }

    public static LaneSchedule defaults() {
        return new LaneSchedule(DEFAULT_WEIGHTS);
    }

    /** Weights written {@code HIGH,NORMAL,LOW}, e.g. {@code 8,3,1} (the form of {@code ist.worker.lane-weights}). */
    public static Map<Priority, Integer> parseWeights(String csv) {
        String[] parts = csv.trim().split("\\s*,\\s*");
        if (parts.length != 3) {
            throw new IllegalArgumentException("lane weights must be three integers HIGH,NORMAL,LOW, e.g. 8,3,1; got '"
                    + csv + "'");
        }
        Map<Priority, Integer> m = new EnumMap<>(Priority.class);
        try {
            m.put(Priority.HIGH, Integer.parseInt(parts[0]));
            m.put(Priority.NORMAL, Integer.parseInt(parts[1]));
            m.put(Priority.LOW, Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lane weights must be integers HIGH,NORMAL,LOW; got '" + csv + "'");
        }
        new LaneSchedule(m); // range check
        return Map.copyOf(m);
    }

    public Map<Priority, Integer> weights() {
        return Map.copyOf(weights);
    }

    /** The lane to take the next job from among those with a job {@code waiting}; null when none waits. */
    public Priority next(Set<Priority> waiting) {
        if (waiting.isEmpty()) {
            return null;
        }
        long total = 0;
        for (Priority p : Priority.values()) {
            if (waiting.contains(p)) {
                credit.merge(p, (long) weights.get(p), Long::sum);
                total += weights.get(p);
            } else {
                credit.put(p, 0L);
                passedOver.put(p, 0);
            }
        }
        Priority chosen = null;
        for (Priority p : Priority.values()) { // highest lane first: it wins ties and the starvation bound
            if (waiting.contains(p) && passedOver.get(p) >= maxPassedOver) {
                chosen = p;
                break;
            }
        }
        if (chosen == null) {
            for (Priority p : Priority.values()) {
                if (waiting.contains(p) && (chosen == null || credit.get(p) > credit.get(chosen))) {
                    chosen = p;
                }
            }
        }
        credit.merge(chosen, -total, Long::sum);
        for (Priority p : waiting) {
            passedOver.put(p, p == chosen ? 0 : passedOver.get(p) + 1);
        }
        return chosen;
    }

    /**
     * The order in which a fresh schedule takes every job of {@code lanes} (each lane's jobs oldest first): what the
     * gateway shows as queue positions. The lists are not changed.
     */
    public <T> List<T> interleave(Map<Priority, ? extends Collection<T>> lanes) {
        Map<Priority, Queue<T>> left = new EnumMap<>(Priority.class);
        int n = 0;
        for (Map.Entry<Priority, ? extends Collection<T>> e : lanes.entrySet()) {
            if (!e.getValue().isEmpty()) {
                left.put(e.getKey(), new java.util.ArrayDeque<>(e.getValue()));
                n += e.getValue().size();
            }
        }
        List<T> order = new ArrayList<>(n);
        while (!left.isEmpty()) {
            Priority p = next(left.keySet());
            Queue<T> q = left.get(p);
            order.add(q.remove());
            if (q.isEmpty()) {
                left.remove(p);
            }
        }
        return order;
    }

    /** The lane named {@code raw} ({@code high}, {@code normal}, {@code low}, any case); null when it is none. */
    public static Priority parseLane(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Priority.valueOf(raw.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
