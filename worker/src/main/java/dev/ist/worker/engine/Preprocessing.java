package dev.ist.worker.engine;

/**
 * How the network expects its input: torchvision weights take RGB in [0,1] normalised by the
 * ImageNet mean/std; Caffe-converted weights and Keras' (whose {@code vgg19.preprocess_input} is "caffe" mode) take
 * BGR in [0,255] minus the ImageNet mean in BGR order, with no std scaling. The engine optimises the [0,1] RGB image
 * and applies this inside the differentiated graph, so the output needs no de-processing of its own.
 */
public enum Preprocessing {
    TORCHVISION(false, 1.0, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}),
    CAFFE(true, 255.0, new float[] {103.939f, 116.779f, 123.68f}, new float[] {1f, 1f, 1f});

    private final boolean bgr;
    private final double scale;
    private final float[] mean;
    private final float[] std;

    Preprocessing(boolean bgr, double scale, float[] mean, float[] std) {
        this.bgr = bgr;
        this.scale = scale;
        this.mean = mean;
        this.std = std;
    }

    /** Whether the network's channel 0 is blue. */
    public boolean bgr() {
        return bgr;
    }

    /** Multiplier from [0,1] pixels to the network's range. */
    public double scale() {
        return scale;
    }

    /** Mean per network channel, in network channel order and network range. */
    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    /**
     * Per network channel, the factor of {@code network = pixel * scale + shift} from a [0,1] pixel (after the BGR
     * flip when {@link #bgr()}).
     */
    public float[] unitScale() {
        float[] s = new float[3];
        for (int c = 0; c < 3; c++) {
            s[c] = (float) (scale / std[c]);
        }
        return s;
    }

    /** Per network channel, the shift of {@link #unitScale()}'s affine map. */
    public float[] unitShift() {
        float[] t = new float[3];
        for (int c = 0; c < 3; c++) {
            t[c] = -mean[c] / std[c];
        }
        return t;
    }
}
