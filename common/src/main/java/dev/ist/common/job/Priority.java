package dev.ist.common.job;

/** The queue lane of a job: workers take higher lanes first without starving lower ones. */
public enum Priority { HIGH, NORMAL, LOW }
