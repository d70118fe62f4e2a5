package dev.ist.common.image;

/** Format and dimensions of an input, read from its header without decoding the pixels. */
public record ImageInfo(ImageFormat format, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }
}
