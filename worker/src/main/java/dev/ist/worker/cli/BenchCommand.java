package dev.ist.worker.cli;

import dev.ist.worker.bench.EngineBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ist bench}: prints the engine's speed and memory figures (a seeded random VGG19). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark the style-transfer engine.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", defaultValue = "128,256,512", description = "long sides (default ${DEFAULT-VALUE})")
    List<Integer> sizes;

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

    @Override
    public Integer call() {
        new EngineBench(System.out).run(new EngineBench.Options(sizes, warmup, measured, flatSize, flatIterations,
                multiscaleSize, multiscaleIterations));
        return 0;
    }
}
