/**
 * Enrollment (certificate authority), bootstrap and monitoring servers. Arrive with the
 * security and monitoring issues.
 */
package org.openvoip.server;
