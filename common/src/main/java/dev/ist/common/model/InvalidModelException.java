package dev.ist.common.model;

/** The bytes are not a usable style network (not ONNX, wrong shapes, or ONNX Runtime refuses them). */
public final class InvalidModelException extends Exception {
    public InvalidModelException(String message) {
        super(message);
    }
}
