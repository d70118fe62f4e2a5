package dev.ist.common.job;

public enum Optimizer { LBFGS, ADAM }
