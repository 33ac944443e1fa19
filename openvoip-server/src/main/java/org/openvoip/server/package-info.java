/**
 * Enrollment (certificate authority: {@link org.openvoip.server.enroll.EnrollmentAuthority}),
 * bootstrap and monitoring servers. The enrollment server's network side and the monitoring
 * server arrive with the security and monitoring issues.
 */
package org.openvoip.server;
