package dev.ist.worker.engine.weights;

import dev.ist.common.job.VggLayerNames;
import dev.ist.worker.engine.Vgg19Weights.Tensor;
import dev.ist.worker.engine.WeightsException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Keras' VGG19 weights ({@code vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5}, what
 * {@code keras.applications.vgg19.VGG19(weights='imagenet')} caches) into torchvision's names: Keras layer
 * {@code blockB_convK} is the K-th convolution of block B, i.e. {@code features.N} in VGG19's layer order.
 *
 * <p>Two layouts are read. Keras 2's {@code save_weights}: the root attribute {@code layer_names}, per layer group the
 * attribute {@code weight_names}, datasets nested as {@code <layer>/<layer>/kernel:0} and {@code bias:0}. The 2016
 * release the file was first published in: datasets directly in the layer group, named {@code <layer>_W_1:0} and
 * {@code <layer>_b_1:0}. Either way the names come from {@code weight_names} when present, and the kernel is told from
 * the bias by rank (4 vs 1), so no naming convention is assumed. Kernels are HWIO ("tf_kernels": height, width,
 * input, output channels) and are transposed to torch's OIHW. Keras 3's {@code .weights.h5} (layers/…/vars/0) is
 * another format and is refused with its name.
 */
public final class KerasH5Reader {
    /** The HDF5 signature at offset 0 (a user block would move it to 512, 1024, …; Keras writes none). */
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final int BLOCKS = 5;
    private static final int[] CONVS_PER_BLOCK = {2, 2, 4, 4, 4};

    private KerasH5Reader() {
    }

    /** Whether {@code file} starts with the HDF5 signature. */
    public static boolean isHdf5(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(SIGNATURE.length), SIGNATURE);
        } catch (IOException e) {
            throw new WeightsException("cannot read weights file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The convolutions present, as {@code features.N.weight} (OIHW) and {@code features.N.bias}; stops at the first
     * missing layer (a truncated network is then checked by {@code Vgg19Weights.usableConvCount()}).
     */
    public static Map<String, Tensor> read(Path file) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (HdfFile h5 = new HdfFile(file)) {
            Group root = h5;
            if (root.getChild("model_weights") instanceof Group g) {
                root = g; // a whole-model file (model.save) keeps the weights one level down
            }
            if (root.getChild("layers") instanceof Group && root.getChild("block1_conv1") == null) {
                throw new WeightsException("weights file " + file + " is a Keras 3 .weights.h5 file; save the weights "
                        + "with Keras 2 (model.save_weights('….h5')) or pass the applications' cached "
                        + "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5");
            }
            int[] convIndices = VggLayerNames.convIndices();
            int conv = 0;
            for (int block = 1; block <= BLOCKS; block++) {
                for (int k = 1; k <= CONVS_PER_BLOCK[block - 1]; k++, conv++) {
                    String layer = "block" + block + "_conv" + k;
                    if (!(root.getChild(layer) instanceof Group group)) {
                        return tensors;
                    }
                    Tensor[] kb = kernelAndBias(group, file, layer);
                    tensors.put("features." + convIndices[conv] + ".weight", hwioToOihw(kb[0], file, layer));
                    tensors.put("features." + convIndices[conv] + ".bias", kb[1]);
                }
            }
            return tensors;
        } catch (WeightsException e) {
            throw e;
        } catch (RuntimeException e) {
            // jhdf reports a damaged or truncated file with its own runtime exceptions
            throw new WeightsException("weights file " + file + " is not a readable HDF5 file ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    private static Tensor[] kernelAndBias(Group group, Path file, String layer) {
        List<Dataset> datasets = new ArrayList<>();
        String[] names = weightNames(group);
        if (names != null && names.length > 0) {
            for (String name : names) {
                Node n = group.getByPath(name);
                if (!(n instanceof Dataset d)) {
                    throw new WeightsException("weights file " + file + ": layer " + layer + " names weight '" + name
                            + "' in weight_names, but holds no such dataset");
                }
                datasets.add(d);
            }
        } else {
            collect(group, datasets);
        }
        Tensor kernel = null;
        Tensor bias = null;
        for (Dataset d : datasets) {
            int rank = d.getDimensions().length;
            if (rank == 4 && kernel == null) {
                kernel = tensor(d, file);
            } else if (rank == 1 && bias == null) {
                bias = tensor(d, file);
            }
        }
        if (kernel == null || bias == null) {
            throw new WeightsException("weights file " + file + ": layer " + layer + " lacks a "
                    + (kernel == null ? "4-d kernel" : "1-d bias") + " (found " + datasets.size() + " datasets)");
        }
        return new Tensor[] {kernel, bias};
    }

    private static String[] weightNames(Group group) {
        Attribute a = group.getAttribute("weight_names");
        if (a == null || a.isEmpty()) {
            return null;
        }
        Object data = a.getData();
        if (data instanceof String[] s) {
            return s;
        }
        if (data instanceof String s) {
            return new String[] {s};
        }
        return null;
    }

    /** Every dataset under {@code group}, depth first (the older layout has no weight_names in some copies). */
    private static void collect(Group group, List<Dataset> out) {
        for (Node n : group.getChildren().values()) {
            if (n instanceof Dataset d) {
                out.add(d);
            } else if (n instanceof Group g) {
                collect(g, out);
            }
        }
    }

    private static Tensor tensor(Dataset d, Path file) {
        int[] dims = d.getDimensions();
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = dims[i];
        }
        Object flat = d.getDataFlat();
        float[] data;
        if (flat instanceof float[] f) {
            data = f;
        } else if (flat instanceof double[] dd) {
            data = new float[dd.length];
            for (int i = 0; i < dd.length; i++) {
                data[i] = (float) dd[i];
            }
        } else {
            throw new WeightsException("weights file " + file + ": dataset " + d.getPath() + " holds "
                    + d.getJavaType().getSimpleName() + ", not floating point numbers");
        }
        return new Tensor(shape, data);
    }

    /** (kh, kw, in, out) → (out, in, kh, kw). */
    static Tensor hwioToOihw(Tensor hwio, Path file, String layer) {
        long[] s = hwio.shape();
        if (s[0] != 3 || s[1] != 3) {
            throw new WeightsException("weights file " + file + ": " + layer + " kernel has shape "
                    + Arrays.toString(s) + ", expected Keras' [3, 3, in, out] (a channels_first/Theano file is not "
                    + "supported)");
        }
        int kh = (int) s[0];
        int kw = (int) s[1];
        int in = (int) s[2];
        int out = (int) s[3];
        float[] src = hwio.data();
        float[] dst = new float[src.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    int from = ((y * kw + x) * in + i) * out;
                    for (int o = 0; o < out; o++) {
                        dst[((o * in + i) * kh + y) * kw + x] = src[from + o];
                    }
                }
            }
        }
        return new Tensor(new long[] {out, in, kh, kw}, dst);
    }
}
