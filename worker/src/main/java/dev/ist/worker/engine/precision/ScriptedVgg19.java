package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.ndarray.types.Shape;
import dev.ist.worker.engine.EngineException;
import dev.ist.worker.engine.InvalidSpecException;
import dev.ist.common.job.VggLayerNames;
import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.Vgg19Weights;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * VGG19 {@code features} as a TorchScript module ({@code vgg19-features.pt}, made by
 * {@code tools/precision/make_vgg_module.py}) run by DJL's PyTorch engine, in fp32 or with convolutions, ReLUs and
 * poolings in bfloat16. The casts live inside the graph: the input and every returned feature map are float32, so
 * DJL never holds a bfloat16 array (its 0.36 JNI aborts the process on creating one), and autograd runs back through
 * the module and its casts to the input — a {@link ai.djl.training.GradientCollector} open around
 * {@link #features} and the loss gives the input's gradient exactly as with plain DJL operations.
 *
 * <p>The module file holds no weights; they are handed to it once, here, so one file serves any VGG19. Forward stops
 * at the deepest layer asked for; every result belongs to the input's manager (as with the engine's own network).
 * One instance is not thread-safe (the bf16 weight copies are made on the first bf16 call).
 */
public final class ScriptedVgg19 implements AutoCloseable {
    static final String MODULE_RESOURCE = "vgg19-features.pt";

    private final PtSymbolBlock module;
    private final int deepestIndex;
    private final String description;
    private final boolean channelsLast;

    private ScriptedVgg19(PtSymbolBlock module, int deepestIndex, String description, boolean channelsLast) {
        this.module = module;
        this.deepestIndex = deepestIndex;
        this.description = description;
        this.channelsLast = channelsLast;
    }

    /**
     * {@link #load(NDManager, Vgg19Weights, boolean)} with activations in channels-last (NHWC), the layout the engine
     * runs. Not NCHW: on an AMD EPYC with AVX512-BF16 and no AMX, libtorch 2.7.1's bf16 convolution in NCHW came out
     * wrong for layers of fewer than 16 output channels (34-99 % of the layer's largest value off, against 0.4 % in
     * channels-last and for wider layers); channels-last was right for every width tried (4 to 64).
     */
    public static ScriptedVgg19 load(NDManager manager, Vgg19Weights weights) {
        return load(manager, weights, true);
    }

    /**
     * Loads the module onto {@code manager}'s device (a PyTorch engine manager) and hands it the weights.
     *
     * @param channelsLast run the activations in NHWC inside the module (the results are NCHW either way)
     */
    public static ScriptedVgg19 load(NDManager manager, Vgg19Weights weights, boolean channelsLast) {
        if (!(manager instanceof PtNDManager pt)) {
            throw new IllegalArgumentException("the scripted VGG19 needs DJL's PyTorch engine, not "
                    + manager.getEngine().getEngineName());
        }
        int convs = weights.usableConvCount();
        PtSymbolBlock module;
        try (InputStream in = ScriptedVgg19.class.getResourceAsStream(MODULE_RESOURCE)) {
            if (in == null) {
                throw new EngineException("missing resource " + MODULE_RESOURCE + " next to " + ScriptedVgg19.class);
            }
            module = JniUtils.loadModule(pt, in, true, false);
        } catch (IOException e) {
            throw new EngineException("cannot read " + MODULE_RESOURCE + ": " + e.getMessage(), e);
        }
        try (PtNDManager sub = (PtNDManager) pt.newSubManager()) {
            PtNDArray[] w = new PtNDArray[convs];
            PtNDArray[] b = new PtNDArray[convs];
            for (int i = 0; i < convs; i++) {
                Vgg19Weights.Tensor wt = weights.weight(VggLayerNames.convIndices()[i]);
                Vgg19Weights.Tensor bt = weights.bias(VggLayerNames.convIndices()[i]);
                w[i] = (PtNDArray) sub.create(wt.data(), new Shape(wt.shape()));
                b[i] = (PtNDArray) sub.create(bt.data(), new Shape(bt.shape()));
            }
            // through the recording path: in DJL's inference path the module's copies would be inference tensors,
            // which autograd refuses to save for backward
            NDList args = new NDList();
            for (PtNDArray a : w) {
                a.setName("weights[]");
                args.add(a);
            }
            for (PtNDArray a : b) {
                a.setName("biases[]");
                args.add(a);
            }
            NDArray method = sub.zeros(new Shape(1));
            method.setName("module_method:load_weights");
            args.add(method);
            long kept = IValueUtils.forward(module, args, true).singletonOrThrow().getLong();
            if (kept != convs) {
                throw new EngineException("the scripted VGG19 kept " + kept + " of " + convs + " convolutions");
            }
        } catch (RuntimeException e) {
            module.close();
            throw e;
        }
        int convSeen = 0;
        int deepest = -1;
        for (int i = 0; i < VggLayerNames.all().size(); i++) {
            if (VggLayerNames.isConv(i)) {
                if (convSeen == convs) {
                    break;
                }
                convSeen++;
            }
            deepest = i;
        }
        return new ScriptedVgg19(module, deepest, weights.description(), channelsLast);
    }

    /** The last layer index these weights can compute. */
    public int deepestIndex() {
        return deepestIndex;
    }

    /**
     * The activations at {@code layers} (paper names, e.g. conv4_2, relu1_1) of the preprocessed float32 input
     * (1,3,H,W), as float32 arrays of the input's manager. The graph is recorded for back-propagation while a
     * gradient collector is open, and not otherwise.
     *
     * @param precision {@link Precision#FP32} or {@link Precision#BF16} (resolve AUTO with {@link PrecisionSelector})
     */
    public Map<String, NDArray> features(NDArray input, Collection<String> layers, Pooling pooling,
                                         Precision precision) {
        if (precision == Precision.AUTO) {
            throw new IllegalArgumentException("resolve AUTO with PrecisionSelector before running the network");
        }
        List<String> names = new ArrayList<>(layers);
        long[] taps = new long[names.size()];
        for (int i = 0; i < taps.length; i++) {
            int index = VggLayerNames.featureIndex(names.get(i));
            if (index < 0) {
                throw new InvalidSpecException("unknown layer " + names.get(i));
            }
            if (index > deepestIndex) {
                throw new InvalidSpecException("layer " + names.get(i) + " needs weights the network " + description
                        + " does not have (it stops at " + VggLayerNames.all().get(deepestIndex) + ")");
            }
            taps[i] = index;
        }
        NDManager owner = input.getManager();
        NDArray tapArray = owner.create(taps);
        NDArray config = owner.create(new long[] {pooling == Pooling.AVG ? 1 : 0, precision == Precision.BF16 ? 1 : 0,
                channelsLast ? 1 : 0});
        try {
            // never DJL's inference path (it runs in inference mode, whose tensors cannot join a graph later);
            // autograd's own grad mode, on only inside a gradient collector, decides whether a graph is recorded
            NDList out = IValueUtils.forward(module, new NDList(input, tapArray, config), true);
            Map<String, NDArray> features = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                features.put(names.get(i), out.get(i));
            }
            return features;
        } finally {
            tapArray.close();
            config.close();
        }
    }

    @Override
    public void close() {
        module.close();
    }
}
