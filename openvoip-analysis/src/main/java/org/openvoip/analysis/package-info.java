/**
 * The research models: relayed-call reliability and the energy model of peer-to-peer versus
 * client-server VoIP. Arrive with the analysis issues.
 */
package org.openvoip.analysis;
