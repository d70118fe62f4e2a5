package dev.ist.common.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The paper's names of VGG19's feature layers, in network order (conv1_1, relu1_1, …, pool5): index i is torchvision's
 * {@code vgg19().features[i]}. The API validates layer names with it, the engine builds its network from it.
 */
public final class VggLayerNames {

    private static final int[] CONVS_PER_BLOCK = {2, 2, 4, 4, 4};
    private static final List<String> ALL;
    private static final int[] CONV_INDICES;

    static {
        List<String> names = new ArrayList<>();
        for (int block = 1; block <= CONVS_PER_BLOCK.length; block++) {
            for (int i = 1; i <= CONVS_PER_BLOCK[block - 1]; i++) {
                names.add("conv" + block + "_" + i);
                names.add("relu" + block + "_" + i);
            }
            names.add("pool" + block);
        }
        ALL = Collections.unmodifiableList(names);
        CONV_INDICES = java.util.stream.IntStream.range(0, names.size()).filter(VggLayerNames::isConv).toArray();
    }

    private VggLayerNames() {
    }

    /** All names in order; the index of a name is its index in torchvision's {@code vgg19().features}. */
    public static List<String> all() {
        return ALL;
    }

    public static boolean isKnown(String name) {
        return ALL.contains(name);
    }

    /** Index in torchvision's {@code features} Sequential, or -1. */
    public static int featureIndex(String name) {
        return ALL.indexOf(name);
    }

    /** torchvision indices of the 16 convolutions (the layers with weights), in order. */
    public static int[] convIndices() {
        return CONV_INDICES.clone();
    }

    public static boolean isConv(int featureIndex) {
        return ALL.get(featureIndex).startsWith("conv");
    }

    public static boolean isPool(int featureIndex) {
        return ALL.get(featureIndex).startsWith("pool");
    }
}
