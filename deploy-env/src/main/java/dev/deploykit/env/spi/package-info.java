/**
 * The service-provider interface of deploy-env: contribute detection rules for your own features
 * (a database, an auth library, a service) without touching the module.
 */
@NullMarked
package dev.deploykit.env.spi;

import org.jspecify.annotations.NullMarked;
