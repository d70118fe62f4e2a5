package dev.ist.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Stack;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code ist submit CONTENT STYLE...}: uploads a job (multipart, as the gateway's {@code POST /v1/jobs} takes it),
 * prints its id, and with {@code --follow} shows its progress and saves the result. Options that are not given are
 * not sent, so the gateway's defaults and validation apply (one source of truth for bounds and enum values).
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Submit a style transfer job to the gateway; --follow shows its progress and saves the result.")
public final class SubmitCommand implements Callable<Integer> {

    @Mixin
    GatewayOptions gateway;

    @Parameters(index = "0", paramLabel = "CONTENT", description = "the content image (PNG or JPEG)")
    Path content;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "STYLE",
            description = "style image(s); none for --mode fast")
    List<Path> styles = new ArrayList<>();

    @Option(names = "--style-mask", paramLabel = "FILE", parameterConsumer = StyleMaskConsumer.class,
            description = "grey mask of where the STYLE just before it applies (sent as part mask<i>)")
    Path styleMaskPlaceholder;

    final Map<Integer, Path> styleMasks = new TreeMap<>();

    @Option(names = "--content-mask", paramLabel = "FILE",
            description = "grey mask where the content weight is raised (part contentMask)")
    Path contentMask;

    @Option(names = "--style-weights", split = ",", paramLabel = "W", description = "blend weight per style, e.g. 0.7,0.3")
    List<Double> styleWeights;

    @Option(names = "--size", description = "long side of the output in pixels") Integer size;
    @Option(names = "--iterations", description = "optimiser iterations") Integer iterations;
    @Option(names = "--style-weight", description = "β") Double styleWeight;
    @Option(names = "--content-weight", description = "α") Double contentWeight;
    @Option(names = "--tv-weight", description = "γ, total variation") Double tvWeight;
    @Option(names = "--content-mask-weight", description = "factor on the content weight under --content-mask")
    Double contentMaskWeight;
    @Option(names = "--optimizer", description = "lbfgs or adam") String optimizer;
    @Option(names = {"--lr", "--learning-rate"}, description = "learning rate") Double learningRate;
    @Option(names = "--init", description = "content or noise") String init;
    @Option(names = "--seed", description = "seed of everything random") Long seed;
    @Option(names = "--preserve-colors", description = "keep the content's colours (same as --color-transfer luminance)")
    boolean preserveColors;
    @Option(names = "--color-transfer", description = "none, luminance or histogram") String colorTransfer;
    @Option(names = {"--multi-scale", "--multiscale"}, description = "coarse-to-fine pyramid up to --size")
    boolean multiScale;
    @Option(names = "--style-scale", description = "style image size relative to the output") Double styleScale;
    @Option(names = "--content-layers", split = ",", description = "content layers, e.g. conv4_2")
    List<String> contentLayers;
    @Option(names = "--style-layers", split = ",", description = "style layers, e.g. relu1_1,relu2_1")
    List<String> styleLayers;
    @Option(names = "--style-loss", description = "gram or wasserstein") String styleLoss;
    @Option(names = "--ema-decay", description = "averaged iterates (0 = off)") Double emaDecay;
    @Option(names = "--precision", description = "fp32, bf16 or auto") String precision;
    @Option(names = "--pooling", description = "max or avg") String pooling;
    @Option(names = "--output-format", description = "png, jpeg, png16 or tiff") String outputFormat;
    @Option(names = "--mode", description = "optimize or fast") String mode;
    @Option(names = "--model", description = "the fast-mode model name") String model;

    @Option(names = "--priority", description = "high, normal or low") String priority;
    @Option(names = "--deadline", paramLabel = "DURATION",
            description = "cancel the job if not finished by then, e.g. 90s, 10m, PT1H") String deadline;
    @Option(names = "--webhook", paramLabel = "URL", description = "POST the job to this URL as it moves") String webhook;
    @Option(names = "--webhook-events", split = ",", paramLabel = "EVENT",
            description = "start, progress, completed (default all)") List<String> webhookEvents;
    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "a retry with the same key returns the same job") String idempotencyKey;

    @Option(names = "--follow", description = "show progress until the job ends, then save the result")
    boolean follow;
    @Option(names = {"--output", "-o"}, paramLabel = "FILE",
            description = "where the result goes (default <jobId>.<ext>)") Path output;
    @Option(names = "--log-json", description = "one JSON object per line on stdout instead of a progress bar")
    boolean logJson;
    @Option(names = "--wait", paramLabel = "SECONDS",
            description = "hold the submit up to N s (N <= 60) for a quick job (Prefer: wait=N)") Integer waitSeconds;

    private final PrintStream out;
    private final PrintStream err;

    public SubmitCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (waitSeconds != null && (waitSeconds < 1 || waitSeconds > 60)) {
            throw ClientException.usage("--wait must be between 1 and 60 seconds");
        }
        if (webhookEvents != null && webhook == null) {
            throw ClientException.usage("--webhook-events needs --webhook");
        }
        MultipartBody body = multipart();
        GatewayClient client = gateway.client();
        boolean terminal = System.console() != null;
        FollowOutput display = logJson ? new JsonOutput(out) : new HumanOutput(err, terminal);
        GatewayClient.Submitted s = client.submit(body, waitSeconds, idempotencyKey);
        String id = s.job().path("id").asText();
        display.submitted(s.job(), s.status());
        if (!logJson) {
            out.println(id);
        }
        return new FollowSession(client, display, id, terminal && !logJson)
                .run(s, follow, output, err);
    }

    /** The request as the gateway's multipart form takes it. */
    MultipartBody multipart() {
        MultipartBody b = new MultipartBody().file("content", content);
        for (int i = 0; i < styles.size(); i++) {
            b.file("style", styles.get(i));
        }
        for (Map.Entry<Integer, Path> m : styleMasks.entrySet()) {
            b.file("mask" + m.getKey(), m.getValue());
        }
        if (contentMask != null) {
            b.file("contentMask", contentMask);
        }
        ObjectNode o = options();
        if (!o.isEmpty()) {
            b.field("options", o.toString());
        }
        if (styleWeights != null) {
            if (styleWeights.size() != styles.size()) {
                throw ClientException.usage("--style-weights has " + styleWeights.size() + " values for "
                        + styles.size() + " STYLE images");
            }
            b.field("styleWeights", styleWeights.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (webhook != null) {
            ObjectNode w = GatewayClient.JSON.createObjectNode().put("url", webhook);
            if (webhookEvents != null) {
                ArrayNode ev = w.putArray("events");
                webhookEvents.forEach(e -> ev.add(e.trim().toLowerCase(Locale.ROOT)));
            }
            b.field("webhook", w.toString());
        }
        if (deadline != null) {
            b.field("deadline", deadline);
        }
        if (priority != null) {
            b.field("priority", priority.trim().toUpperCase(Locale.ROOT));
        }
        return b;
    }

    /** The options JSON with only what was given; names as in JobOptions. */
    ObjectNode options() {
        ObjectNode o = GatewayClient.JSON.createObjectNode();
        if (size != null) o.put("size", size);
        if (iterations != null) o.put("iterations", iterations);
        if (contentWeight != null) o.put("contentWeight", contentWeight);
        if (styleWeight != null) o.put("styleWeight", styleWeight);
        if (tvWeight != null) o.put("tvWeight", tvWeight);
        if (contentMaskWeight != null) o.put("contentMaskWeight", contentMaskWeight);
        if (optimizer != null) o.put("optimizer", upper(optimizer));
        if (learningRate != null) o.put("learningRate", learningRate);
        if (init != null) {
            String i = upper(init);
            if (!i.equals("CONTENT") && !i.equals("NOISE")) {
                throw ClientException.usage("--init must be content or noise for ist submit (got '" + init + "')");
            }
            o.put("init", i);
        }
        if (seed != null) o.put("seed", seed);
        if (preserveColors) o.put("preserveColors", true);
        if (colorTransfer != null) o.put("colorTransfer", upper(colorTransfer));
        if (multiScale) o.put("multiScale", true);
        if (styleScale != null) o.put("styleScale", styleScale);
        if (contentLayers != null) contentLayers.forEach(o.withArray("contentLayers")::add);
        if (styleLayers != null) styleLayers.forEach(o.withArray("styleLayers")::add);
        if (styleLoss != null) o.put("styleLoss", upper(styleLoss));
        if (emaDecay != null) o.put("emaDecay", emaDecay);
        if (precision != null) o.put("precision", upper(precision));
        if (pooling != null) o.put("pooling", upper(pooling));
        if (outputFormat != null) o.put("outputFormat", upper(outputFormat));
        if (mode != null) o.put("mode", upper(mode));
        if (model != null) o.put("model", model);
        return o;
    }

    private static String upper(String s) {
        return s.trim().toUpperCase(Locale.ROOT);
    }

    /**
     * {@code --style-mask FILE} belongs to the STYLE given just before it: picocli hands positional values over as
     * it meets them, so the style count at this moment says which one.
     */
    static final class StyleMaskConsumer implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, CommandLine.Model.ArgSpec argSpec,
                                      CommandLine.Model.CommandSpec commandSpec) {
            if (args.isEmpty()) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "--style-mask needs a FILE");
            }
            String file = args.pop();
            SubmitCommand cmd = (SubmitCommand) commandSpec.userObject();
            int styleIndex = cmd.styles.size() - 1;
            if (styleIndex < 0) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "--style-mask " + file + " must come right after the STYLE it masks");
            }
            if (cmd.styleMasks.putIfAbsent(styleIndex, Path.of(file)) != null) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "style " + (styleIndex + 1) + " (" + cmd.styles.get(styleIndex) + ") has two --style-mask");
            }
        }
    }
}
