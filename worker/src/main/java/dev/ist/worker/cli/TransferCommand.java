package dev.ist.worker.cli;

import dev.ist.worker.download.HttpWeightsDownload;
import dev.ist.common.IstConfig;
import dev.ist.common.job.Precision;
import dev.ist.worker.engine.PrecisionCalibrator;
import dev.ist.worker.engine.precision.CalibrationCache;
import dev.ist.worker.engine.precision.PrecisionCalibration;
import dev.ist.worker.runtime.PrecisionCalibrationSettings;
import dev.ist.common.job.InitMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.OutputFormat;
import dev.ist.worker.engine.EngineSettings;
import dev.ist.worker.engine.ImageDecoder;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.IterationReport;
import dev.ist.common.capacity.LevelPlan;
import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.weights.RandomWeights;
import dev.ist.worker.engine.weights.WeightsLoader;
import dev.ist.worker.engine.weights.WeightsResolver;
import dev.ist.worker.runtime.capacity.MachineMemory;
import dev.ist.worker.runtime.job.ImageEncoding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;

/** {@code ist transfer}: one style transfer on this machine, with a progress bar or JSON lines. */
@Command(name = "transfer", mixinStandardHelpOptions = true, defaultValueProvider = OptionDefaultsProvider.class,
        description = "Render the content image in the style of the style image(s).")
public final class TransferCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    /** The flags that are job options (the API's model), with their mapping to {@code JobOptions}. */
    @CommandLine.Mixin
    JobOptionFlags job = new JobOptionFlags();

    @Option(names = "--content", required = true, paramLabel = "FILE", description = "content image")
    Path content;

    @Option(names = "--style", required = true, paramLabel = "FILE",
            description = "style image (repeatable); a --style-mask or --style-image-mask after it belongs to it")
    List<Path> styles = new ArrayList<>();

    @Option(names = "--style-mask", paramLabel = "FILE",
            description = "grey mask over the output for the --style before it: white = that style, grey = partly")
    List<Path> styleMasks = new ArrayList<>();

    @Option(names = "--style-image-mask", paramLabel = "FILE",
            description = "grey mask over the --style image before it: which part of it to sample")
    List<Path> styleImageMasks = new ArrayList<>();

    @Option(names = "--content-mask", paramLabel = "FILE",
            description = "grey mask over the output: the content weight is raised where it is white")
    Path contentMask;

    @Option(names = "--style-weights", split = ",", paramLabel = "W",
            description = "blend weight per style image, e.g. 0.7,0.3 (default equal)")
    List<Double> styleWeights;

    @Option(names = "--output", required = true, paramLabel = "FILE",
            description = "output image (.png, .jpg, .bmp; .tif/.tiff = 16-bit TIFF with an sRGB ICC profile)")
    Path output;

    @Option(names = "--16bit", description = "16 bits per channel in a .png (a .tif always has them)")
    boolean sixteenBit;

    @Option(names = "--history", description = "L-BFGS history size (default ${DEFAULT-VALUE})")
    int history;

    @Option(names = "--strong-wolfe", description = "L-BFGS with strong-Wolfe line search")
    boolean strongWolfe;

    @Option(names = "--keep-best", description = "output the iterate with the lowest loss")
    boolean keepBest;

    @Option(names = "--weights", paramLabel = "FILE", description = "VGG19 weights (.pth or .safetensors)")
    Path weightsFile;

    @Option(names = "--random-weights", paramLabel = "SEED", description = "use a seeded RANDOM network (tests, demos)")
    Long randomWeights;

    @Option(names = "--preprocessing", defaultValue = "auto", description = "auto, torchvision or caffe (default ${DEFAULT-VALUE})")
    String preprocessing;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N (default ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--tile-size", defaultValue = "0", paramLabel = "PX",
            description = "tile core side for print sizes; 0 = automatic from --memory-budget (default ${DEFAULT-VALUE})")
    int tileSize;

    @Option(names = "--memory-budget", paramLabel = "SIZE",
            description = "memory the transfer may use, e.g. 6g (default: the cgroup limit or physical memory less ist.worker.memory-margin, 512 MiB)")
    String memoryBudget;

    @Option(names = "--log-json", description = "one JSON object per iteration on stdout")
    boolean logJson;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        if (weightsFile != null && randomWeights != null) {
            throw new UserInputException("--weights and --random-weights are mutually exclusive");
        }
        String format = outputFormat(output);
        Path outDir = output.toAbsolutePath().getParent();
        if (outDir == null || !Files.isDirectory(outDir)) {
            throw new UserInputException("output folder " + outDir + " does not exist");
        }
        if (styleWeights != null && styleWeights.size() != styles.size()) {
            throw new UserInputException("--style-weights has " + styleWeights.size() + " values for "
                    + styles.size() + " --style images");
        }
        StyleArguments styleArguments = styleArguments();
        JobOptions options = jobOptions();
        // the API's rules and limits, before any image is decoded or the network loaded
        OptionCheck.require(jobRequest(options, styleArguments), OptionCheck.limits());
        EngineSettings engineSettings = EngineSettings.fromSystem() // read once, given to the engine
                .withMemoryBudget(memoryBudget());
        long maxPixels = engineSettings.maxInputPixels();
        BufferedImage contentImage = ImageDecoder.read(content, maxPixels);
        TransferSpec.Builder builder = TransferSpec.builder().options(options).content(contentImage)
                .styles(styleArguments.load(styleWeights, contentImage, options.size(), maxPixels));
        if (contentMask != null) {
            int[] outSize = ImageOps.scaledSize(contentImage.getWidth(), contentImage.getHeight(), options.size());
            builder.contentMask(StyleArguments.fit(ImageDecoder.readMask(contentMask, maxPixels), outSize,
                    "--content-mask " + contentMask, "output"));
        }
        if (options.init() == InitMode.IMAGE) {
            builder.initImage(ImageDecoder.read(Path.of(job.init), maxPixels));
        }
        // engine-only tuning: settings of this machine's run that a job request does not carry
        builder.lbfgsHistory(history).strongWolfe(strongWolfe).keepBest(keepBest).tileSize(tileSize);
        TransferSpec spec = builder.build();
        Vgg19Weights weights = loadWeights();
        Progress progress = new Progress(err, logJson ? null : out, System.console() != null && !logJson);
        IterationListener listener = logJson ? report -> out.println(JsonLines.iteration(report)) : progress;
        TransferResult result;
        // closed in reverse order: the engine first, then a waiting exit may go on
        try (StopOnShutdown stop = new StopOnShutdown(err);
             StyleTransferEngine engine = new StyleTransferEngine(weights, device, engineSettings)) {
            if (spec.precision() == Precision.AUTO) {
                // AUTO is what this machine measures fastest (cached after the first run), as on a worker
                PrecisionCalibrationSettings cal = PrecisionCalibrationSettings.from(IstConfig.fromSystem());
                PrecisionCalibration measured = PrecisionCalibrator.calibrate(engine,
                        new CalibrationCache(cal.cacheDir()), cal.margin());
                engine.useCalibration(measured);
                if (!logJson) {
                    out.println("precision auto " + measured.describe());
                }
            }
            if (!logJson) {
                for (LevelPlan plan : engine.plan(spec)) {
                    if (plan.tiled() || plan.lbfgsHistory() != spec.lbfgsHistory()) {
                        out.println("level " + plan.describe());
                    }
                }
                out.flush();
            }
            result = engine.stylize(spec, listener, stop);
        }
        progress.finish();
        write(result.image(), format, output);
        if (!logJson) {
            out.printf(Locale.ROOT, "wrote %s (%dx%d) in %.1f s, total loss %.4g, %s%n", output,
                    result.image().getWidth(), result.image().getHeight(), result.timings().totalMs() / 1000.0,
                    result.totalLoss(), result.precision().name().toLowerCase(Locale.ROOT));
        }
        out.flush();
        return 0;
    }

    /** The options in the API's model: what a JSON submit of the same choices carries. */
    JobOptions jobOptions() {
        return job.jobOptions(jobOutputFormat(outputFormat(output)), contentMask);
    }

    /** The whole run as a job request, so the style count and blend weights meet the API's rules too. */
    JobRequest jobRequest(JobOptions options, StyleArguments styleArguments) {
        return JobRequest.of(UUID.randomUUID().toString(), Instant.now(), OptionCheck.ref(content),
                styleArguments.refs(styleWeights), options, "cli");
    }

    StyleArguments styleArguments() {
        return new StyleArguments(styles, styleMasks, styleImageMasks,
                commandSpec.commandLine().getParseResult().originalArgs());
    }

    /** BMP is a writer of this command only; the API's formats have no BMP, so it counts as the default there. */
    private static OutputFormat jobOutputFormat(String format) {
        return switch (format) {
            case "png16" -> OutputFormat.PNG16;
            case "tiff" -> OutputFormat.TIFF;
            case "jpg" -> OutputFormat.JPEG;
            default -> OutputFormat.PNG;
        };
    }

    private long memoryBudget() {
        if (memoryBudget == null) {
            return MachineMemory.defaultBudget(dev.ist.common.IstConfig.fromSystem());
        }
        try {
            return MachineMemory.parse(memoryBudget);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--memory-budget: " + e.getMessage());
        }
    }

    private Vgg19Weights loadWeights() {
        Preprocessing p = switch (preprocessing.toLowerCase(Locale.ROOT)) {
            case "auto" -> null;
            case "torchvision" -> Preprocessing.TORCHVISION;
            case "caffe" -> Preprocessing.CAFFE;
            default -> throw new UserInputException("--preprocessing must be auto, torchvision or caffe, got '"
                    + preprocessing + "'");
        };
        Vgg19Weights w;
        if (randomWeights != null) {
            w = RandomWeights.vgg19(randomWeights);
        } else if (weightsFile != null) {
            w = WeightsLoader.load(weightsFile, p);
        } else {
            w = WeightsLoader.load(WeightsResolver.fromSettings(new HttpWeightsDownload()).resolve(), p);
        }
        return p == null ? w : w.withPreprocessing(p);
    }

    private String outputFormat(Path output) {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return sixteenBit ? "png16" : "png";
        }
        if (sixteenBit && !(name.endsWith(".tif") || name.endsWith(".tiff"))) {
            throw new UserInputException("--16bit needs a .png or .tif output");
        }
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return "jpg";
        }
        if (name.endsWith(".bmp")) {
            return "bmp";
        }
        if (name.endsWith(".tif") || name.endsWith(".tiff")) {
            return "tiff";
        }
        throw new UserInputException("output " + output + " must end in .png, .jpg, .jpeg, .bmp, .tif or .tiff");
    }

    private static void write(BufferedImage image, String format, Path output) throws IOException {
        Path tmp = Files.createTempFile(output.toAbsolutePath().getParent(), ".ist-", "." + format);
        try {
            byte[] bytes = switch (format) {
                case "png" -> ImageEncoding.png(image);
                case "png16" -> ImageEncoding.png16(image);
                case "tiff" -> ImageEncoding.tiff16(image);
                case "jpg" -> ImageEncoding.jpeg(image, 0.92f);
                default -> null;
            };
            if (bytes != null) {
                Files.write(tmp, bytes);
            } else if (!ImageIO.write(ImageEncoding.rgb(image), format, tmp.toFile())) {
                throw new UserInputException("no image writer for " + format);
            }
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A one-line progress bar with losses and ETA on a terminal; silent otherwise. */
    static final class Progress implements IterationListener {
        private final PrintWriter err;
        private final boolean enabled;

        Progress(PrintWriter err, PrintWriter out, boolean enabled) {
            this.err = err;
            this.enabled = enabled;
        }

        @Override
        public void onIteration(IterationReport r) {
            if (!enabled) {
                return;
            }
            int width = 30;
            double done = r.totalIterations() == 0 ? 1 : (double) r.iteration() / r.totalIterations();
            int filled = (int) Math.round(done * width);
            long etaS = r.iteration() == 0 ? -1
                    : Math.round(r.elapsedMs() / 1000.0 * (r.totalIterations() - r.iteration()) / r.iteration());
            err.printf(Locale.ROOT, "\r[%s%s] %d/%d scale %d/%d content %.3g style %.3g tv %.3g total %.4g ETA %s ",
                    "#".repeat(filled), ".".repeat(width - filled), r.iteration(), r.totalIterations(),
                    r.scaleIndex() + 1, r.scaleCount(), r.contentLoss(), r.styleLoss(), r.tvLoss(), r.totalLoss(),
                    etaS < 0 ? "--" : (etaS / 60) + "m" + (etaS % 60) + "s");
            err.flush();
        }

        void finish() {
            if (enabled) {
                err.println();
            }
        }
    }
}
