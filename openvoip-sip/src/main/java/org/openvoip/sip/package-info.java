/**
 * The SIP adapter: a local registrar and proxy, on JAIN-SIP, that maps SIP phones onto the
 * overlay. Arrives with the SIP issue.
 */
package org.openvoip.sip;
