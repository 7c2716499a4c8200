"""Network lists in settings: private networks admitted, trusted proxies."""

import ipaddress

from veille.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ALLOW_SETTING = "VEILLE_ALLOW_PRIVATE_NETWORKS"


def parse_networks(text: str, setting: str = ALLOW_SETTING) -> tuple[Network, ...]:
    """Networks from a comma-separated CIDR list (``10.0.0.0/8, ::1/128``)."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ConfigError(f"{setting} : {item!r} n'est pas un réseau CIDR") from error
    return tuple(networks)


def in_networks(address: str, networks: tuple[Network, ...]) -> bool:
    """True when the textual IP ``address`` lies in one of ``networks``."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    return any(parsed in network for network in networks)
