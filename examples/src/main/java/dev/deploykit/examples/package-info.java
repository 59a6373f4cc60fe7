/** Runnable programs built on deploykit's public API: the command line and its demo. */
@NullMarked
package dev.deploykit.examples;

import org.jspecify.annotations.NullMarked;
