/** Implementation details of deploy-env. Not API: nothing outside the module may import it. */
@NullMarked
package dev.deploykit.env.internal;

import org.jspecify.annotations.NullMarked;
