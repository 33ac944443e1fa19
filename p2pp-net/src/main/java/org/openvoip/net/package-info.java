/**
 * The real P2PP runtime on Netty: UDP/TCP/TLS/DTLS transports, STUN/ICE I/O and the relay
 * data plane, running the engine of p2pp-core. Arrives with the node-engine issue.
 */
package org.openvoip.net;
