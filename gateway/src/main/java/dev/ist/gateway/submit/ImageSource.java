package dev.ist.gateway.submit;

import dev.ist.common.job.ImageRef;

/**
 * One image of a submission: either uploaded bytes (multipart) or a reference to an image stored earlier through
 * {@code POST /v1/images}. {@code field} names it in errors ({@code content}, {@code styles[1]}).
 */
public record ImageSource(String field, byte[] bytes, ImageRef ref) {

    public static ImageSource upload(String field, byte[] bytes) {
        return new ImageSource(field, bytes, null);
    }

    public static ImageSource stored(String field, ImageRef ref) {
        return new ImageSource(field, null, ref);
    }
}
