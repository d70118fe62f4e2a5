package dev.ist.worker.cli;

import dev.ist.common.job.OptionDefaults;
import dev.ist.worker.engine.TransferSpec;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ist transfer}'s defaults, taken from {@link OptionDefaults} (the same the API and the engine use) and, for
 * engine-only settings, from the engine's own constants, so {@code --help} and a job submitted without options
 * agree. Options not listed here keep their own default. Enum options show the API's constant names (picocli
 * converts them; the command line also takes them in lower case).
 */
public final class OptionDefaultsProvider implements IDefaultValueProvider {

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("--size", Integer.toString(OptionDefaults.SIZE)),
            Map.entry("--iterations", Integer.toString(OptionDefaults.ITERATIONS)),
            Map.entry("--optimizer", OptionDefaults.OPTIMIZER.name()),
            Map.entry("--init", lower(OptionDefaults.INIT)),
            Map.entry("--content-weight", number(OptionDefaults.CONTENT_WEIGHT)),
            Map.entry("--style-weight", number(OptionDefaults.STYLE_WEIGHT)),
            Map.entry("--tv-weight", number(OptionDefaults.TV_WEIGHT)),
            Map.entry("--content-layers", String.join(",", OptionDefaults.CONTENT_LAYERS)),
            Map.entry("--style-layers", String.join(",", OptionDefaults.STYLE_LAYERS)),
            Map.entry("--style-scale", number(OptionDefaults.STYLE_SCALE)),
            Map.entry("--pooling", OptionDefaults.POOLING.name()),
            Map.entry("--seed", Long.toString(OptionDefaults.SEED)),
            Map.entry("--precision", OptionDefaults.PRECISION.name()),
            Map.entry("--history", Integer.toString(TransferSpec.DEFAULT_LBFGS_HISTORY)),
            Map.entry("--content-mask-weight", number(OptionDefaults.CONTENT_MASK_WEIGHT)),
            Map.entry("--color-transfer", OptionDefaults.COLOR_TRANSFER.name()),
            Map.entry("--style-loss", OptionDefaults.STYLE_LOSS.name()),
            Map.entry("--ema-decay", number(OptionDefaults.EMA_DECAY)));

    @Override
    public String defaultValue(ArgSpec argSpec) {
        return argSpec instanceof OptionSpec option ? DEFAULTS.get(option.longestName()) : null;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** 1.0e5 as "1e5", 1.0 as "1": how a user would type them. */
    private static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toString().replace("E+", "e").replace("E", "e");
    }
}
