package dev.ist.common.event;

/** Why a job failed: a code for machines, a message for people (never a stack trace). */
public record Failure(ErrorCode code, String message) {
}
