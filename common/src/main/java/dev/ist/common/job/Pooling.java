package dev.ist.common.job;

public enum Pooling { MAX, AVG }
