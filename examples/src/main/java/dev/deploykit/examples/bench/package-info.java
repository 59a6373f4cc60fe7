/** Benchmarks run by hand (not tests): see docs/benchmarks.md for the numbers and commands. */
@NullMarked
package dev.deploykit.examples.bench;

import org.jspecify.annotations.NullMarked;
