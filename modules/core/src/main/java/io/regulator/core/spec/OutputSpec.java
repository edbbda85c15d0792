package io.regulator.core.spec;

/** Where a component's stdout/stderr go: {@code <log-dir>/<component>.log}, rotated by size. */
public record OutputSpec(long maxFileSize, int maxFiles, int tailLines) {}
