package dev.ist.worker.engine;

public enum Pooling { MAX, AVG }
