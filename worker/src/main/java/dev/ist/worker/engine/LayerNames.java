package dev.ist.worker.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The paper names of VGG19's {@code features} modules, in order: index i of {@link #ALL} is
 * torchvision's {@code features.i}. Convolutions carry weights, the rest do not.
 */
public final class LayerNames {
    public static final List<String> ALL;
    /** torchvision indices of the 16 convolutions, in order. */
    public static final int[] CONV_INDICES = {0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34};

    static {
        int[] convsPerBlock = {2, 2, 4, 4, 4};
        List<String> names = new ArrayList<>();
        for (int block = 1; block <= 5; block++) {
            for (int i = 1; i <= convsPerBlock[block - 1]; i++) {
                names.add("conv" + block + "_" + i);
                names.add("relu" + block + "_" + i);
            }
            names.add("pool" + block);
        }
        ALL = Collections.unmodifiableList(names);
    }

    public static final List<String> DEFAULT_CONTENT_LAYERS = List.of("conv4_2");
    public static final List<String> DEFAULT_STYLE_LAYERS =
            List.of("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1");

    private LayerNames() {
    }

    /** Index in {@code features}, or -1 for an unknown name. */
    public static int indexOf(String name) {
        return ALL.indexOf(name);
    }

    public static boolean isConv(int index) {
        return ALL.get(index).startsWith("conv");
    }

    public static boolean isPool(int index) {
        return ALL.get(index).startsWith("pool");
    }
}
