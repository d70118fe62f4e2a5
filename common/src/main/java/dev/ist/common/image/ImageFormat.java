package dev.ist.common.image;

/** Input formats IST accepts, recognised from their leading bytes (never from a file name or a client's header). */
public enum ImageFormat {
    PNG("image/png"),
    JPEG("image/jpeg");

    private final String mediaType;

    ImageFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }
}
