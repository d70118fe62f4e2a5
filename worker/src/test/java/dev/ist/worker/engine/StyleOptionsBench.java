package dev.ist.worker.engine;

import dev.ist.common.job.StyleLoss;
import dev.ist.worker.engine.weights.RandomWeights;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Figures for issue #15's "off until a measurement says otherwise": the same transfer with the Gram loss, the W2 loss
 * and the Gram loss with averaged iterates, each result judged by the same yardsticks (the Gram style loss and the
 * content loss of the plain objective, and how far the result's mean colour is from the style's). Not a test; run:
 * {@code java -cp worker/target/test-classes:worker/target/classes:worker/target/lib/* dev.ist.worker.engine.StyleOptionsBench [size] [iterations]}
 */
public final class StyleOptionsBench {

    private StyleOptionsBench() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        BufferedImage content = GuidedGramTest.greyPhoto(size, size * 3 / 4, 1);
        BufferedImage style = StyleTransferEngineTest.photo(size, size, 2);
        try (StyleTransferEngine engine = new StyleTransferEngine(RandomWeights.vgg19(1), "cpu")) {
            TransferSpec base = TransferSpec.builder().content(content).style(style).size(size).iterations(iterations)
                    .build();
            run(engine, "gram", base);
            run(engine, "wasserstein", base.toBuilder().styleLoss(StyleLoss.WASSERSTEIN).build());
            run(engine, "gram+ema0.9", base.toBuilder().emaDecay(0.9).build());
        }
    }

    private static void run(StyleTransferEngine engine, String name, TransferSpec spec) {
        long t0 = System.nanoTime();
        TransferResult result = engine.stylize(spec, null, null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        BufferedImage image = result.image();
        int w = image.getWidth();
        int h = image.getHeight();
        TransferSpec judge = spec.toBuilder().styleLoss(StyleLoss.GRAM).emaDecay(0).build();
        GatysObjective.Terms t = (GatysObjective.Terms) engine.evaluate(judge, ImageOps.toChw(image), w, h, null)
                .detail();
        double[] mean = GuidedGramTest.meanRgb(image, 0, w);
        double[] styleMean = GuidedGramTest.meanRgb(spec.styles().get(0).image(), 0,
                spec.styles().get(0).image().getWidth());
        double colour = Math.sqrt(Math.pow(mean[0] - styleMean[0], 2) + Math.pow(mean[1] - styleMean[1], 2)
                + Math.pow(mean[2] - styleMean[2], 2));
        System.out.printf(Locale.ROOT, "%-12s %dx%d %d it: gram style loss %.4g, content loss %.4g, own final loss %.4g,"
                        + " mean colour distance to the style %.1f, %.1f s%n", name, w, h, spec.iterations(), t.style(),
                t.content(), result.totalLoss(), colour, seconds);
    }
}
