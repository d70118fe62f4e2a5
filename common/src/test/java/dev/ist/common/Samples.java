package dev.ist.common;

import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.common.job.ColorTransfer;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.Precision;
import dev.ist.common.job.Priority;
import dev.ist.common.job.StyleLoss;
import dev.ist.common.job.InitMode;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.OutputFormat;
import dev.ist.common.job.Pooling;
import dev.ist.common.job.StyleRef;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Messages with every field set to a non-default value, so a round trip that drops a field is noticed. */
public final class Samples {

    public static final String JOB_ID = "0b9c6f4e-3a1d-4c55-9e2f-7d8a1b2c3d4e";
    public static final String SHA_CONTENT = "a".repeat(64);
    public static final String SHA_STYLE_1 = "b".repeat(64);
    public static final String SHA_STYLE_2 = "0123456789abcdef".repeat(4);
    public static final String SHA_INIT = "c".repeat(64);
    public static final String SHA_MASK = "d".repeat(64);
    /** Nanoseconds included: the encoding must keep them. */
    public static final Instant AT = Instant.parse("2026-11-25T12:34:56.123456789Z");

    private Samples() {
    }

    public static JobOptions allOptions() {
        return JobOptions.builder()
                .size(384)
                .iterations(250)
                .contentWeight(5.0)
                .styleWeight(2.5e5)
                .tvWeight(1.0e-3)
                .contentLayers(List.of("conv4_2", "conv5_2"))
                .styleLayers(List.of("relu1_1", "relu2_1", "relu3_1"))
                .optimizer(Optimizer.ADAM)
                .learningRate(2.0)
                .init(InitMode.IMAGE)
                .initImage(new ImageRef(SHA_INIT))
                .seed(-42L)
                .preserveColors(true)
                .multiScale(true)
                .styleScale(0.75)
                .pooling(Pooling.AVG)
                .outputFormat(OutputFormat.JPEG)
                .mode(JobMode.FAST)
                .model("candy-v2")
                .contentMaskWeight(3.0)
                .colorTransfer(ColorTransfer.LUMINANCE)
                .styleLoss(StyleLoss.WASSERSTEIN)
                .styleLayerWeights(Map.of("relu1_1", 0.5))
                .emaDecay(0.9)
                .precision(Precision.BF16)
                .build();
    }

    public static JobRequest fullRequest() {
        return JobRequest.of(JOB_ID, AT, new ImageRef(SHA_CONTENT),
                List.of(new StyleRef(new ImageRef(SHA_STYLE_1), 0.7), new StyleRef(new ImageRef(SHA_STYLE_2), 0.3)),
                allOptions(), "owner-7").withPriority(Priority.HIGH);
    }

    /**
     * Every field of the contract set to a non-default value, masks included: for codec round trips only (masks with
     * mode FAST do not validate).
     */
    public static JobRequest everyFieldRequest() {
        return JobRequest.of(JOB_ID, AT, new ImageRef(SHA_CONTENT),
                List.of(new StyleRef(new ImageRef(SHA_STYLE_1), 0.7, new ImageRef(SHA_MASK), null),
                        new StyleRef(new ImageRef(SHA_STYLE_2), 0.3, null, new ImageRef(SHA_MASK))),
                allOptions().toBuilder().contentMask(new ImageRef(SHA_MASK)).build(), "owner-7")
                .withPriority(Priority.HIGH);
    }

    public static Progress progress() {
        return new Progress(120, 250, 1, 2, 384, 256, new Losses(1.5, 2.25, 0.125, 3.875), 98_765L,
                ObjectKeys.preview(JOB_ID, 120));
    }

    /** One event of every type, each with the fields that type carries. */
    public static List<JobEvent> eventsOfEveryType() {
        return List.of(
                JobEvent.queued(JOB_ID, AT),
                JobEvent.running(JOB_ID, 1, AT.plusSeconds(1), "worker-a", Map.of("queueWait", 1000L)),
                JobEvent.progress(JOB_ID, 2, AT.plusSeconds(2), "worker-a", progress()),
                JobEvent.succeeded(JOB_ID, 3, AT.plusSeconds(3), "worker-a", progress(),
                        ObjectKeys.result(JOB_ID, "jpg"), ObjectKeys.manifest(JOB_ID),
                        Map.of("queueWait", 1000L, "fetch", 12L, "targets", 340L, "optimise", 5000L, "store", 20L,
                                "total", 6372L)).withNetwork(new dev.ist.common.event.NetworkInfo(
                        "random(seed=7,channels=64/64)", "ab".repeat(32), true)),
                JobEvent.running(JOB_ID, 1, AT.plusSeconds(1), "worker-a", null)
                        .withNetwork(dev.ist.common.event.NetworkInfo.of("vgg19.safetensors", "cd".repeat(32))),
                JobEvent.failed(JOB_ID, 3, AT.plusSeconds(3), "worker-b",
                        new Failure(ErrorCode.INPUT_CORRUPT, "content image does not decode as PNG"),
                        Map.of("total", 15L)),
                JobEvent.cancelled(JOB_ID, 3, AT.plusSeconds(3), "worker-c", "cancelled by owner-7"),
                JobEvent.cancelled(JOB_ID, 4, AT.plusSeconds(4), "worker-c", null));
    }

    public static ControlMessage cancel() {
        return ControlMessage.cancel(JOB_ID, AT, "owner-7");
    }

    public static DeadLetter deadLetter() {
        byte[] original = "{not json".getBytes(StandardCharsets.UTF_8);
        return new DeadLetter(DeadLetter.SCHEMA_VERSION, JOB_ID, "ist.jobs", 2, 12345L, AT, "worker-a",
                ErrorCode.MALFORMED_MESSAGE, "$: not valid JSON", Base64.getEncoder().encodeToString(original));
    }
}
