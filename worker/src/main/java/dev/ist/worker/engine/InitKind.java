package dev.ist.worker.engine;

/** Where the optimised image starts: the content image, seeded uniform noise, or a given image. */
public enum InitKind { CONTENT, NOISE, IMAGE }
