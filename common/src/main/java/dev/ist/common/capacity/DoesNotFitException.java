package dev.ist.common.capacity;

/** A level cannot fit the memory budget even with the smallest tiles; {@link #suggestedLongSide()} should fit. */
public final class DoesNotFitException extends RuntimeException {
    private final int suggestedLongSide;

    public DoesNotFitException(String message, int suggestedLongSide) {
        super(message);
        this.suggestedLongSide = suggestedLongSide;
    }

    /** A long side (same aspect) that should fit; at least 16. */
    public int suggestedLongSide() {
        return suggestedLongSide;
    }
}
