package dev.ist.common.capacity;

import java.util.ArrayList;
import java.util.List;

/**
 * How one level's image is cut into tiles for the tiled objective: core rectangles that partition the image, each
 * grown by a halo (clamped to the image) so the features of its core see the pixels of their receptive field.
 * Every core and halo edge that is not an image edge lies on the pooling grid ({@code grid} = 2^poolings before the
 * deepest layer, 16 up to relu5_1), so the pooled feature maps of the cores partition the untiled maps exactly.
 *
 * @param width  image width in pixels
 * @param height image height in pixels
 * @param core   the nominal core side (a multiple of {@code grid}); edge tiles may be up to one grid cell shorter or
 *               {@code grid}-1 pixels longer
 * @param halo   pixels added on each side (a multiple of {@code grid})
 * @param grid   the alignment of every inner edge
 * @param tiles  the tiles, row by row
 */
public record TilePlan(int width, int height, int core, int halo, int grid, List<Tile> tiles) {

    /** One tile: its core [x0,x1)×[y0,y1) and its padded region [px0,px1)×[py0,py1), both in image pixels. */
    public record Tile(int x0, int y0, int x1, int y1, int px0, int py0, int px1, int py1) {
        public int paddedWidth() {
            return px1 - px0;
        }

        public int paddedHeight() {
            return py1 - py0;
        }
    }

    public TilePlan {
        tiles = List.copyOf(tiles);
    }

    /** The plan for a {@code width}×{@code height} image with cores of about {@code core} px and the given halo. */
    public static TilePlan of(int width, int height, int core, int halo, int grid) {
        if (grid < 1 || core < grid || halo < 0 || halo % grid != 0) {
            throw new IllegalArgumentException("tile core " + core + " and halo " + halo + " must be multiples of "
                    + grid + " (core >= " + grid + ")");
        }
        int alignedCore = core / grid * grid;
        int[] xs = cuts(width, alignedCore, grid);
        int[] ys = cuts(height, alignedCore, grid);
        List<Tile> tiles = new ArrayList<>();
        for (int j = 0; j + 1 < ys.length; j++) {
            for (int i = 0; i + 1 < xs.length; i++) {
                tiles.add(new Tile(xs[i], ys[j], xs[i + 1], ys[j + 1], Math.max(0, xs[i] - halo),
                        Math.max(0, ys[j] - halo), Math.min(width, xs[i + 1] + halo), Math.min(height, ys[j + 1] + halo)));
            }
        }
        return new TilePlan(width, height, alignedCore, halo, grid, tiles);
    }

    /** Whether this plan is one tile covering the whole image (the untiled computation). */
    public boolean single() {
        return tiles.size() == 1;
    }

    /** The largest padded tile, in pixels: what one tile's forward/backward has to hold. */
    public long largestPaddedPixels() {
        long max = 0;
        for (Tile t : tiles) {
            max = Math.max(max, (long) t.paddedWidth() * t.paddedHeight());
        }
        return max;
    }

    /** "3x2 tiles of 512 px + 64 px halo" — for logs and the quote. */
    public String describe() {
        if (single()) {
            return "untiled " + width + "x" + height;
        }
        int columns = (int) tiles.stream().filter(t -> t.y0() == 0).count();
        return columns + "x" + (tiles.size() / columns) + " tiles of " + core + " px + " + halo + " px halo";
    }

    /** Boundaries 0 = c0 < c1 < … < cn = length with inner ones on the grid; a last sliver below one cell is merged. */
    private static int[] cuts(int length, int core, int grid) {
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        int next = core;
        while (next < length) {
            if (length - next < grid) {
                break;
            }
            cuts.add(next);
            next += core;
        }
        cuts.add(length);
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }
}
