package dev.ist.worker.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The backward pass of every objective, with an optional stress mode that proves no tensor of the recorded graph lives
 * in memory that Java may free: with {@value #COLLECT_PROPERTY}{@code =true} (a system property, read per pass), a
 * garbage collection runs between forward and backward and the direct memory it released is handed out again and
 * filled with NaN bit patterns, so a tensor over a freed buffer (see {@link Scalars}) turns into a wrong gradient on
 * every pass instead of once in a while. Results must not change in this mode; it only costs time.
 */
public final class Backpropagation {
    /** System property: force a collection and scribble over freed direct memory before each backward pass. */
    public static final String COLLECT_PROPERTY = "ist.engine.collect-before-backward";
    private static final int SCRIBBLES = 256;

    private Backpropagation() {
    }

    /** Back-propagates {@code loss} through the graph {@code collector} recorded. */
    static void backward(GradientCollector collector, NDArray loss) {
        if (!Boolean.getBoolean(COLLECT_PROPERTY)) {
            collector.backward(loss);
            return;
        }
        List<ByteBuffer> scribbles = collectAndScribble();
        collector.backward(loss);
        scribbles.clear(); // kept alive (and their contents in place) until the backward pass is done
    }

    private static List<ByteBuffer> collectAndScribble() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
        System.gc();
        try {
            // reference processing (which frees unreachable direct buffers) has run once the canary is enqueued
            queue.remove(1000);
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        canary.clear();
        List<ByteBuffer> scribbles = new ArrayList<>(SCRIBBLES);
        for (int i = 0; i < SCRIBBLES; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 6));
            while (b.remaining() >= 4) {
                b.putInt(0x7fc0_0001); // a quiet NaN in every float slot
            }
            scribbles.add(b);
        }
        return scribbles;
    }
}
