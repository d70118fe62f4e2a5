package dev.ist.worker.cli;

import dev.ist.worker.bench.DeterminismBench;
import dev.ist.worker.bench.EngineBench;
import dev.ist.worker.bench.HighresBench;
import dev.ist.worker.bench.PrecisionBench;
import dev.ist.worker.bench.TilingAccuracyBench;
import dev.ist.worker.runtime.capacity.MachineMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ist bench}: prints the engine's speed and memory figures (a seeded random VGG19). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark the style-transfer engine.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec commandSpec;

    @Option(names = "--sizes", split = ",", defaultValue = "128,256,512",
            description = "long sides (default ${DEFAULT-VALUE}; 256,512 with --precision)")
    List<Integer> sizes;

    @Option(names = "--precision", description = "fp32 vs bf16: ms per iteration, loss after --iterations L-BFGS "
            + "iterations, PSNR between the results, and the CPU's bf16 features")
    boolean precision;

    @Option(names = "--iterations", defaultValue = "100",
            description = "--precision: L-BFGS iterations per run (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", description = "iterations not timed per size")
    int warmup;

    @Option(names = "--measured", defaultValue = "8", description = "timed iterations per size")
    int measured;

    @Option(names = "--flat-iterations", defaultValue = "200", description = "iterations of the memory run (0 = skip)")
    int flatIterations;

    @Option(names = "--flat-size", defaultValue = "512", description = "size of the memory run")
    int flatSize;

    @Option(names = "--multiscale-size", defaultValue = "512", description = "size of the multi-scale comparison")
    int multiscaleSize;

    @Option(names = "--multiscale-iterations", defaultValue = "120",
            description = "iterations of the multi- vs single-scale comparison (0 = skip)")
    int multiscaleIterations;

    @Option(names = "--highres", description = "print sizes: tile plan, quote vs measured peak RSS and s/iteration")
    boolean highres;

    @Option(names = "--megapixels", split = ",", defaultValue = "1,4,8,16,33",
            description = "--highres: output sizes in MP, 16:9 (default ${DEFAULT-VALUE})")
    List<Double> megapixels;

    @Option(names = "--highres-iterations", defaultValue = "2",
            description = "--highres: iterations below 8 MP (default ${DEFAULT-VALUE})")
    int highresIterations;

    @Option(names = "--highres-large-iterations", defaultValue = "1",
            description = "--highres: iterations from 8 MP (default ${DEFAULT-VALUE})")
    int highresLargeIterations;

    @Option(names = "--memory-budget", paramLabel = "SIZE",
            description = "--highres: the engine's budget, e.g. 8g (default: cgroup limit or physical memory less 10 %%)")
    String memoryBudget;

    @Option(names = "--untiled", description = "--highres: also run untiled where the model says it fits")
    boolean untiled;

    @Option(names = "--tiling-accuracy", description = "tiled vs untiled loss and gradient per halo")
    boolean tilingAccuracy;

    @Option(names = "--accuracy-size", split = "x", defaultValue = "512x384",
            description = "--tiling-accuracy: image WxH (default ${DEFAULT-VALUE})")
    List<Integer> accuracySize;

    @Option(names = "--halos", split = ",", defaultValue = "0,16,32,64,96,128",
            description = "--tiling-accuracy: halos to compare (default ${DEFAULT-VALUE})")
    List<Integer> halos;

    @Option(names = "--determinism", paramLabel = "N",
            description = "run the ist transfer given after -- N times, each in a new JVM, and print the distinct "
                    + "results (exit 1 when there is more than one)")
    Integer determinism;

    @Option(names = "--stress-gc", description = "--determinism: force a GC before every backward pass of every run")
    boolean stressGc;

    @Parameters(paramLabel = "TRANSFER_OPTION", arity = "0..*",
            description = "--determinism: the ist transfer options, after --, e.g. -- --content c.png --style s.png "
                    + "--size 64 --iterations 10 --random-weights 1 --seed 1")
    List<String> transferOptions;

    @Override
    public Integer call() {
        if (determinism != null) {
            if (determinism < 2) {
                throw new UserInputException("--determinism must be >= 2 runs, got " + determinism);
            }
            if (transferOptions == null || transferOptions.isEmpty()) {
                throw new UserInputException("--determinism needs the transfer to repeat after --, e.g. "
                        + "ist bench --determinism 20 -- --content c.png --style s.png --size 64");
            }
            return new DeterminismBench(System.out).run(determinism, transferOptions, stressGc) == 1 ? 0 : 1;
        }
        if (transferOptions != null && !transferOptions.isEmpty()) {
            throw new UserInputException("transfer options (" + transferOptions.get(0) + " …) are read only with "
                    + "--determinism");
        }
        if (precision) {
            if (iterations < 1) {
                throw new UserInputException("--iterations must be >= 1, got " + iterations);
            }
            boolean sizesGiven = commandSpec.commandLine().getParseResult().hasMatchedOption("--sizes");
            List<Integer> precisionSizes = sizesGiven ? sizes : PrecisionBench.Options.defaults().sizes();
            for (int s : precisionSizes) {
                if (s < 32) {
                    throw new UserInputException("--sizes: each size must be >= 32 pixels, got " + s);
                }
            }
            new PrecisionBench(System.out).run(new PrecisionBench.Options(precisionSizes, iterations));
            return 0;
        }
        if (tilingAccuracy) {
            int w = accuracySize.get(0);
            int h = accuracySize.get(1);
            new TilingAccuracyBench(System.out).run(w, h, Math.max(16, Math.max(w, h) / 2 / 16 * 16), halos);
            return 0;
        }
        if (highres) {
            long budget;
            try {
                budget = memoryBudget == null ? MachineMemory.defaultBudget(dev.ist.common.IstConfig.fromSystem()) : MachineMemory.parse(memoryBudget);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--memory-budget: " + e.getMessage());
            }
            new HighresBench(System.out).run(new HighresBench.Options(megapixels, highresIterations,
                    highresLargeIterations, budget, untiled));
            return 0;
        }
        new EngineBench(System.out).run(new EngineBench.Options(sizes, warmup, measured, flatSize, flatIterations,
                multiscaleSize, multiscaleIterations));
        return 0;
    }
}
