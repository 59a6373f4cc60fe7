/** Implementation details of deploy-core. Not API: nothing outside the module may import it. */
@NullMarked
package dev.deploykit.core.internal;

import org.jspecify.annotations.NullMarked;
