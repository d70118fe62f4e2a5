package dev.ist.common.job;

/** Where the optimised image starts: the content photo, seeded white noise, or a given stored image. */
public enum InitMode { CONTENT, NOISE, IMAGE }
