/** The {@code deploykit} command line (picocli). */
@NullMarked
package dev.deploykit.examples.cli;

import org.jspecify.annotations.NullMarked;
