package dev.ist.common.event;

/** Loss terms of the image at the start of an iteration (already multiplied by their weights). */
public record Losses(double content, double style, double tv, double total) {
}
