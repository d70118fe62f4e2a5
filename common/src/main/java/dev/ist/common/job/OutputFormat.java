package dev.ist.common.job;

public enum OutputFormat {
    PNG("png", "image/png"),
    JPEG("jpg", "image/jpeg");

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
}
