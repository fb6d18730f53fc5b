"""The caller's address behind proxies: one rule for the audit trail, throttles and django-axes.

`TRUSTED_PROXIES` (settings, from the environment) is either a number of proxies in front of the
app or a list of networks (CIDR) the proxies live in. The caller is the first untrusted hop,
walking the chain from the right: REMOTE_ADDR, then X-Forwarded-For from its end to its start.
Everything left of that hop was written by the caller and is never believed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TrustedProxies:
    """Either `count` proxies (0: the app faces the callers) or the `networks` proxies live in."""

    count: int = 0
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, value: str) -> TrustedProxies:
        """'', '0', '2' or '10.0.0.0/8, 172.16.0.0/12'; anything else raises
        ImproperlyConfigured."""
        value = (value or "").strip()
        if not value:
            return cls()
        if value.isdigit():
            return cls(count=int(value))
        networks = []
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError as exc:
                raise ImproperlyConfigured(
                    f"TRUSTED_PROXIES: {part!r} is neither a number of proxies nor a network "
                    "(CIDR such as 10.0.0.0/8)."
                ) from exc
        return cls(networks=tuple(networks))

    def trusts(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in self.networks)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.9:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def first_untrusted_hop(
    remote_addr: str, forwarded_for: str, proxies: TrustedProxies
) -> str | None:
    """The caller's address (see the module docstring), or None when REMOTE_ADDR is unusable.

    1. The chain is X-Forwarded-For's entries then REMOTE_ADDR, read from the right.
    2. With a count of n proxies, the caller is the (n+1)-th hop from the right; with networks,
       the first hop from the right outside them.
    3. When the chain runs out (fewer hops than proxies), or the chosen hop is not an address
       (a proxy passed garbage along), the left-most trusted hop we did check is the answer: an
       attacker can only ever name themselves a proxy we trust, never someone else.
    """
    remote = _ip(remote_addr or "")
    if remote is None:
        return None
    chain: list[str] = [part for part in forwarded_for.split(",") if part.strip()]
    last_good = remote
    if proxies.networks:
        if not proxies.trusts(remote):
            return str(remote)
        for raw in reversed(chain):
            hop = _ip(raw)
            if hop is None:
                return str(last_good)
            if not proxies.trusts(hop):
                return str(hop)
            last_good = hop
        return str(last_good)
    for raw in list(reversed(chain))[: proxies.count]:
        hop = _ip(raw)
        if hop is None:
            return str(last_good)
        last_good = hop
    return str(last_good)


def trusted_proxies() -> TrustedProxies:
    from django.conf import settings

    value = settings.TRUSTED_PROXIES
    if isinstance(value, TrustedProxies):
        return value
    if isinstance(value, int):
        return TrustedProxies(count=value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return TrustedProxies.parse(",".join(value))
    return TrustedProxies.parse(str(value))


def client_address(request) -> str | None:
    """The caller's address for `request` under the TRUSTED_PROXIES setting."""
    if hasattr(request, "_rp_client_address"):
        cached: str | None = request._rp_client_address
        return cached
    address = first_untrusted_hop(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted_proxies(),
    )
    request._rp_client_address = address
    return address
