/** Not API: the workflow, activities and values of the Temporal engine; they may change in any release. */
@NullMarked
package dev.deploykit.temporal.internal;

import org.jspecify.annotations.NullMarked;
