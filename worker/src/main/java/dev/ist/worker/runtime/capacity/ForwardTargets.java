package dev.ist.worker.runtime.capacity;

import dev.ist.common.capacity.ClassFit;
import dev.ist.common.capacity.JobShape;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.common.capacity.PoolRouting;
import dev.ist.common.capacity.WorkerCapacityTable;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;

import dev.ist.worker.runtime.job.JobForwarding;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Where a job this worker cannot fit could go instead: the live worker classes of the fleet's capacity table (read
 * from the capacity topic, as the gateway reads it), fitted with the same model and routing rule the gateway uses
 * ({@link ClassFit}, {@link PoolRouting#forForward}), never this worker's own pool, and quoted there as the gateway
 * quotes a submit ({@link ClassFit#quotedIn}). Fast jobs are not quoted (they run
 * tiled in bounded memory), so they are never forwarded.
 */
public final class ForwardTargets {
    private final WorkerCapacityTable table;
    private final String ownPool;
    private final Clock clock;
    private final MemoryModel model = MemoryModel.measuredCpuFp32();

    public ForwardTargets(WorkerCapacityTable table, String ownPool, Clock clock) {
        this.table = table;
        this.ownPool = ownPool;
        this.clock = clock;
    }

    public Optional<JobForwarding.Target> targetFor(JobOptions options, int contentWidth, int contentHeight) {
        if (options == null || options.mode() == JobMode.FAST) {
            return Optional.empty();
        }
        JobShape shape = JobShape.of(options, contentWidth, contentHeight);
        List<ClassFit> fits = ClassFit.of(model, table.classes(clock.instant()), shape);
        return PoolRouting.forForward(fits, ownPool).map(pool -> new JobForwarding.Target(pool,
                ClassFit.quotedIn(fits, pool).map(f -> f.estimate().seconds()).orElse(null)));
    }
}
