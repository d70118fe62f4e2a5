package dev.ist.worker.engine;

import dev.ist.common.capacity.CapacityPlanner;
import dev.ist.common.capacity.DoesNotFitException;
import dev.ist.common.capacity.Estimate;
import dev.ist.common.capacity.JobShape;
import dev.ist.common.capacity.LevelPlan;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.common.capacity.TilePlan;
import dev.ist.common.job.Optimizer;

import java.util.List;

/**
 * The engine's side of the shared capacity model ({@link CapacityPlanner} in common, which the gateway quotes with
 * too): turns a {@link TransferSpec} into the model's {@link JobShape} and the model's refusal into the engine's
 * {@link EngineOutOfMemoryException}.
 */
public final class TilePlanner {
    /** Seconds per input pixel of one forward + backward evaluation (2 threads, fp32), measured at 512 px. */
    public static final double SECONDS_PER_PIXEL_EVALUATION = CapacityPlanner.MEASURED_SECONDS_PER_PIXEL;

    /** Pass 1 (forward to the style layers, no gradient) relative to a forward + backward. */
    static final double GRAM_PASS_FRACTION = CapacityPlanner.GRAM_PASS_FRACTION;

    private final CapacityPlanner planner;

    /** With the measured CPU fp32 model. */
    public TilePlanner(long budgetBytes) {
        this(MemoryModel.measuredCpuFp32(), budgetBytes);
    }

    /** {@code budgetBytes} 0 = no budget (untiled unless the spec asks for tiles). */
    public TilePlanner(MemoryModel model, long budgetBytes) {
        this.planner = new CapacityPlanner(model, budgetBytes, SECONDS_PER_PIXEL_EVALUATION);
    }

    public long budgetBytes() {
        return planner.budgetBytes();
    }

    /** The model's view of {@code spec}. */
    public static JobShape shape(TransferSpec spec) {
        return new JobShape(spec.content().getWidth(), spec.content().getHeight(), spec.size(), spec.multiScale(),
                spec.minScaleLongSide(), spec.iterations(), spec.optimizer(), spec.lbfgsHistory(), spec.tileSize(),
                spec.tileHalo(), StyleTransferEngine.minimumShortSide(spec), spec.precision());
    }

    /** The plan of a {@code width}×{@code height} level of {@code spec}. */
    public LevelPlan plan(TransferSpec spec, int width, int height) {
        try {
            return planner.plan(shape(spec), width, height);
        } catch (DoesNotFitException e) {
            throw new EngineOutOfMemoryException(e.getMessage(), e.suggestedLongSide());
        }
    }

    /** The tiles of a forward-only pass (a style image's Gram matrices) over {@code width}×{@code height}. */
    public TilePlan planForward(TransferSpec spec, int width, int height) {
        return planner.planForward(shape(spec), width, height);
    }

    /** Every level of {@code spec}, coarse to fine. */
    public List<LevelPlan> plan(TransferSpec spec) {
        try {
            return planner.plan(shape(spec));
        } catch (DoesNotFitException e) {
            throw new EngineOutOfMemoryException(e.getMessage(), e.suggestedLongSide());
        }
    }

    /** The quote of {@code spec}; throws {@link EngineOutOfMemoryException} when a level cannot fit. */
    public Estimate estimate(TransferSpec spec) {
        try {
            return planner.estimate(shape(spec));
        } catch (DoesNotFitException e) {
            throw new EngineOutOfMemoryException(e.getMessage(), e.suggestedLongSide());
        }
    }

    /** The largest long side of {@code spec}'s content and options that fits the budget (0 if none). */
    public int largestFittingSize(TransferSpec spec) {
        return planner.largestFittingSize(shape(spec));
    }

    /** Modelled peak resident bytes of a level run with these tiles. */
    long peak(TilePlan tiles, Optimizer optimizer, int history) {
        return planner.peak(tiles, optimizer, history);
    }
}
