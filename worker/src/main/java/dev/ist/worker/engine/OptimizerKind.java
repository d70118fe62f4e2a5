package dev.ist.worker.engine;

public enum OptimizerKind { LBFGS, ADAM }
