#!/usr/bin/env bash
# natlab: NAT routers in network namespaces, for testing NAT traversal with real kernel NATs.
#
#   natlab.sh up SITE KIND     a site: host namespace nl-hSITE behind router nl-rSITE
#                              KIND: cone (nftables masquerade: keeps the port, filters by
#                              address and port) or symmetric (masquerade fully-random: a new
#                              random port for each destination)
#   natlab.sh down             removes every natlab namespace
#
# The "internet" is namespace nl-inet, a bridge with 203.0.113.1, .2 and .3 (servers run
# there, e.g. peers). Site N's router has 203.0.113.(10+N) outside and 10.0.N.1 inside; its
# host has 10.0.N.2. Run a program in a namespace with `ip netns exec nl-hN ...`. Needs root,
# iproute2 and nftables; nothing outside the nl-* namespaces is touched.
set -euo pipefail

inet_up() {
  ip netns list | grep -qw nl-inet && return 0
  ip netns add nl-inet
  ip -n nl-inet link set lo up
  ip -n nl-inet link add br0 type bridge
  ip -n nl-inet link set br0 up
  ip -n nl-inet addr add 203.0.113.1/24 dev br0
  ip -n nl-inet addr add 203.0.113.2/24 dev br0
  ip -n nl-inet addr add 203.0.113.3/24 dev br0
}

site_up() {
  local n="$1" kind="$2" r="nl-r$1" h="nl-h$1"
  case "$kind" in cone|symmetric) ;; *) echo "natlab: KIND is cone or symmetric, not '$kind'" >&2; exit 2;; esac
  inet_up
  ip netns add "$r"
  ip netns add "$h"
  ip -n "$r" link set lo up
  ip -n "$h" link set lo up
  # WAN: router <-> internet bridge
  ip link add "nlw$n" netns "$r" type veth peer name "nlb$n" netns nl-inet
  ip -n nl-inet link set "nlb$n" master br0
  ip -n nl-inet link set "nlb$n" up
  ip -n "$r" addr add "203.0.113.$((10 + n))/24" dev "nlw$n"
  ip -n "$r" link set "nlw$n" up
  # LAN: router <-> host
  ip link add "nll$n" netns "$r" type veth peer name eth0 netns "$h"
  ip -n "$r" addr add "10.0.$n.1/24" dev "nll$n"
  ip -n "$r" link set "nll$n" up
  ip -n "$h" addr add "10.0.$n.2/24" dev eth0
  ip -n "$h" link set eth0 up
  ip -n "$h" route add default via "10.0.$n.1"
  ip netns exec "$r" sysctl -q -w net.ipv4.ip_forward=1
  local masq="masquerade"
  [[ "$kind" == symmetric ]] && masq="masquerade fully-random"
  # The multi-line form: nft's one-line form with braces does not parse here.
  ip netns exec "$r" nft -f - <<NFT
table ip natlab {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "nlw$n" $masq
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "nll$n" accept
    ct state established,related accept
  }
}
NFT
}

down() {
  for ns in $(ip netns list | awk '{print $1}' | grep '^nl-' || true); do
    ip netns del "$ns"
  done
}

case "${1:-}" in
  up) site_up "${2:?SITE}" "${3:?KIND}" ;;
  down) down ;;
  *) echo "usage: natlab.sh up SITE cone|symmetric | natlab.sh down" >&2; exit 2 ;;
esac
