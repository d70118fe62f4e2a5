package dev.ist.worker.cli;

import dev.ist.common.job.OptionDefaults;
import dev.ist.worker.engine.EngineOutOfMemoryException;
import dev.ist.worker.engine.InvalidSpecException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ist transfer} takes its defaults from the option model the API and the engine share. */
class OptionDefaultsProviderTest {

    private static TransferCommand parsed(String... extra) {
        TransferCommand command = new TransferCommand();
        String[] base = {"--content", "c.png", "--style", "s.png", "--output", "o.png"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void unsetOptionsTakeTheSharedDefaults() {
        TransferCommand c = parsed();
        assertEquals(OptionDefaults.SIZE, c.job.size);
        assertEquals(OptionDefaults.ITERATIONS, c.job.iterations);
        assertEquals(OptionDefaults.CONTENT_WEIGHT, c.job.contentWeight);
        assertEquals(OptionDefaults.STYLE_WEIGHT, c.job.styleWeight);
        assertEquals(OptionDefaults.TV_WEIGHT, c.job.tvWeight);
        assertEquals(OptionDefaults.STYLE_SCALE, c.job.styleScale);
        assertEquals(OptionDefaults.SEED, c.job.seed);
        assertEquals(OptionDefaults.CONTENT_LAYERS, c.job.contentLayers);
        assertEquals(OptionDefaults.STYLE_LAYERS, c.job.styleLayers);
        assertEquals(OptionDefaults.OPTIMIZER, c.job.optimizer);
        assertEquals(OptionDefaults.POOLING, c.job.pooling);
        assertEquals(OptionDefaults.PRECISION, c.job.precision);
        assertEquals(OptionDefaults.INIT.name(), c.job.init.toUpperCase(Locale.ROOT));
        assertEquals(OptionDefaults.COLOR_TRANSFER, c.job.colorTransfer);
        assertEquals(OptionDefaults.STYLE_LOSS, c.job.styleLoss);
        assertEquals(dev.ist.worker.engine.TransferSpec.DEFAULT_LBFGS_HISTORY, c.history);
    }

    @Test
    void givenOptionsReplaceTheDefaults() {
        TransferCommand c = parsed("--size", "300", "--style-layers", "relu2_1,relu3_1", "--style-weight", "10");
        assertEquals(300, c.job.size);
        assertEquals(java.util.List.of("relu2_1", "relu3_1"), c.job.styleLayers);
        assertEquals(10.0, c.job.styleWeight);
    }

    @Test
    void helpShowsTheSharedDefaults() {
        String help = new CommandLine(new TransferCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(help.contains("(default " + OptionDefaults.SIZE + ")"), help);
        assertTrue(help.contains("(default 1e5)"), help);
        assertTrue(help.contains("(default " + OptionDefaults.CONTENT_LAYERS.get(0) + ")"), help);
        assertTrue(help.contains("(default " + OptionDefaults.STYLE_LAYERS.get(0) + ","), help);
    }

    @Test
    void theCliWordsTheEnginesSizeHintAsItsFlag() {
        String oom = ErrorMessages.describe(new EngineOutOfMemoryException("out of memory at size 512", 358, null));
        assertEquals("out of memory at size 512; try --size 358", oom);
        String tooLarge = ErrorMessages.describe(new InvalidSpecException("output 4000x3000 exceeds the limit", 2364));
        assertTrue(tooLarge.endsWith("; try --size 2364"), tooLarge);
        assertEquals("unknown style layer 'x'", ErrorMessages.describe(new InvalidSpecException("unknown style layer 'x'")));
    }
}
