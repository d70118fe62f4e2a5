package dev.ist.common.job;

/**
 * The result's file format; the JSON names are the constant names. {@link #PNG} and {@link #JPEG} are 8 bits per
 * channel; {@link #PNG16} and {@link #TIFF} keep 16 bits per channel of the optimised image and declare sRGB (an sRGB
 * chunk in the PNG, an embedded sRGB ICC profile in the TIFF) — for print.
 */
public enum OutputFormat {
    PNG("png", "image/png"),
    JPEG("jpg", "image/jpeg"),
    PNG16("png", "image/png"),
    TIFF("tif", "image/tiff");

    private final String extension;
    private final String mediaType;

    OutputFormat(String extension, String mediaType) {
        this.extension = extension;
        this.mediaType = mediaType;
    }

    public String extension() {
        return extension;
    }

    public String mediaType() {
        return mediaType;
    }

    /** Whether the format keeps 16 bits per channel. */
    public boolean sixteenBit() {
        return this == PNG16 || this == TIFF;
    }
}
