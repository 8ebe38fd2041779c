"""Addresses typed into the site that the server itself fetches (a letting's calendar feed), checked and fetched safely.

An address an editor types is attacker input aimed at the server's own network. Three rules:

* **One parser.** The address is read once, with urllib3's own parser (the client that connects),
  and refused when Python's ``urlsplit`` reads its host, port or user information differently, or when
  it holds what parsers disagree on at all: a backslash, user information (``user@``), whitespace or
  control characters. A host is a DNS name or an IP address in its usual form: the decimal, octal,
  hexadecimal and shortened spellings of an IPv4 address (``2130706433``, ``0177.0.0.1``, ``127.1``)
  are refused rather than guessed at. ``webcal://`` and ``webcals://`` (what Apple and Google hand out)
  are read as ``https://``.
* **Resolved once.** The host's addresses are looked up once; every one of them must be allowed, and
  the connection goes to the address that was checked (the request carries the host's name in its
  ``Host`` header and TLS's server name, and the certificate is verified for that name). There is no
  second lookup for a DNS server to answer differently (DNS rebinding).
* **Allowed networks** (``OUTBOUND_NETWORK``): ``"internet"`` (production) allows only addresses the
  whole internet reaches, on the web's ports 80 and 443: never loopback, private, shared (carrier-grade
  NAT), link-local (cloud metadata services), multicast, reserved, or an IPv6 form that carries one of
  those (IPv4-mapped, 6to4, Teredo, NAT64). ``"loopback"`` (``make run`` and the tests) allows only this
  machine (127.0.0.0/8 and ``::1``, any port): a local run never fetches an address on the developer's
  network either.

Redirects are not followed: the answer names the new address, which an editor can save instead (where
it passes the same check).
"""

import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from urllib3.util import parse_url

INTERNET, LOOPBACK = "internet", "loopback"
WEB_PORTS = {"http": 80, "https": 443}
INTERNET_PORTS = {80, 443}  # what "internet" allows: a public host's other services are not the site's business
# What a DNS name may be: letters, digits and hyphens in dot-separated labels (IDN hosts in their xn-- form).
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# NAT64 prefixes (RFC 6052, RFC 8215): a gateway there reaches the IPv4 address in the last 32 bits.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
USER_AGENT = "OrangeCountyLettings-calendar-sync/1.0"


class AddressRefusedError(ValueError):
    """The address may not be fetched: the message says why, in words an editor understands."""


@dataclass(frozen=True)
class Address:
    """A parsed address: what it is fetched as (``url``), and the parts the connection uses."""

    url: str
    scheme: str
    host: str
    port: int
    target: str  # the path and query, as sent in the request line

    @property
    def host_header(self) -> str:
        """Return the ``Host`` header: the host, and its port when not the scheme's default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == WEB_PORTS[self.scheme] else f"{host}:{self.port}"


@dataclass(frozen=True)
class Destination:
    """An address whose host was resolved once and checked: ``ip`` is where the connection goes."""

    address: Address
    ip: str


def network() -> str:
    """Return the networks the site may fetch from (``OUTBOUND_NETWORK``: "internet" or "loopback")."""
    value = settings.OUTBOUND_NETWORK
    if value not in (INTERNET, LOOPBACK):
        raise ValueError(f"OUTBOUND_NETWORK must be {INTERNET!r} or {LOOPBACK!r}, not {value!r}")
    return value


def read_as_web_address(url: str) -> str:
    """Return ``url`` with a ``webcal://`` or ``webcals://`` scheme read as ``https://``."""
    scheme, separator, rest = url.partition("://")
    if separator and scheme.lower() in ("webcal", "webcals"):
        return f"https://{rest}"
    return url


def _check_host_form(host: str) -> str:
    """Return ``host`` when it is an IP address in its usual form or a DNS name; refuse anything else."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if getattr(ip, "scope_id", None):
            raise AddressRefusedError("An IPv6 address with a zone (%...) cannot be used.")
        return host
    name = host.removesuffix(".")
    labels = name.split(".")
    if not name or not all(_LABEL.match(label) for label in labels):
        raise AddressRefusedError(f"{host!r} is not a host name.")
    last = labels[-1]
    if last.isdigit() or last.startswith("0x"):
        raise AddressRefusedError("Write an IP address in its usual form (four numbers from 0 to 255, with dots).")
    return name


def parse(url: str) -> Address:
    """Return ``url`` parsed for fetching, or raise ``AddressRefusedError`` with the reason.

    Only the syntax is checked here (no lookup): see the module's docstring for the rules.
    """
    url = read_as_web_address(url.strip())
    if "\\" in url:
        raise AddressRefusedError("An address cannot contain a backslash (\\).")
    if any(character.isspace() or ord(character) < 32 or ord(character) == 127 for character in url):
        raise AddressRefusedError("An address cannot contain spaces or control characters.")
    if not url.isascii():
        raise AddressRefusedError("Write the address in ASCII (a host's xn-- form, a path's %-escapes).")
    try:
        parsed, other = parse_url(url), urlsplit(url)
        other_port = other.port
    except ValueError as error:  # urllib3's LocationParseError is a ValueError too
        raise AddressRefusedError("This is not a web address.") from error
    scheme = (parsed.scheme or "").lower()
    if scheme not in WEB_PORTS:
        raise AddressRefusedError("Enter an address starting https:// (or webcal://, http://).")
    if parsed.auth is not None or "@" in other.netloc or other.username is not None:
        raise AddressRefusedError("An address with a user name or password (user@host) cannot be used.")
    host = (parsed.host or "").lower().removeprefix("[").removesuffix("]")
    if not host or host != (other.hostname or "") or parsed.port != other_port:
        raise AddressRefusedError("This address is read differently by different programs: it cannot be used.")
    host = _check_host_form(host)
    port = parsed.port or WEB_PORTS[scheme]
    if network() == INTERNET and port not in INTERNET_PORTS:
        raise AddressRefusedError("Only the web's usual ports (80 and 443) can be used.")
    target = parsed.request_uri or "/"
    shown_host = f"[{host}]" if ":" in host else host
    netloc = shown_host if parsed.port is None else f"{shown_host}:{port}"
    return Address(url=f"{scheme}://{netloc}{target}", scheme=scheme, host=host, port=port, target=target)


def allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, where: str) -> bool:
    """Tell whether ``ip`` is in the networks ``where`` allows ("internet" or "loopback")."""
    if where == LOOPBACK:
        return ip.is_loopback
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return False
    if ip.version == 6:
        embedded = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        embedded += [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) for prefix in _NAT64 if ip in prefix]
        return all(allowed(inner, where) for inner in embedded if inner is not None)
    return True


def resolve(address: Address) -> Destination:
    """Look the host up once and return where to connect, or raise ``AddressRefusedError``.

    Every address the name has must be allowed: a name that also points inside is refused whole.
    """
    try:
        found = socket.getaddrinfo(address.host, address.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise AddressRefusedError(f"The host {address.host!r} cannot be found.") from error
    ips = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    where = network()
    if not ips or not all(allowed(ip, where) for ip in ips):
        place = "outside this machine" if where == LOOPBACK else "on this machine or a private network"
        raise AddressRefusedError(f"The host {address.host!r} is {place}: it cannot be used.")
    return Destination(address=address, ip=str(ips[0]))


def check(url: str) -> Destination:
    """Parse ``url`` and resolve its host once: what :func:`open_get` connects to. Raises ``AddressRefusedError``."""
    return resolve(parse(url))


def ca_bundle() -> str:
    """Return the certificate authorities that HTTPS addresses are verified against (certifi's)."""
    return certifi.where()


def open_get(destination: Destination, *, connect_seconds: float, read_seconds: float):
    """Send ``GET`` to the checked IP address and return urllib3's response, its body not read yet.

    The caller reads it (``read1``) and releases it (``release_conn``). Redirects are returned, not
    followed. Raises urllib3's ``HTTPError`` subclasses when the connection or the request fails.
    """
    address = destination.address
    timeout = urllib3.Timeout(connect=connect_seconds, read=read_seconds)
    if address.scheme == "https":
        context = ssl.create_default_context(cafile=ca_bundle())
        pool = urllib3.HTTPSConnectionPool(
            destination.ip,
            address.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            ssl_context=context,
            server_hostname=address.host,
            assert_hostname=address.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(destination.ip, address.port, timeout=timeout, retries=False, maxsize=1)
    headers = {"Host": address.host_header, "User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    return pool.urlopen(
        "GET",
        address.target,
        headers=headers,
        redirect=False,
        retries=False,
        preload_content=False,
        assert_same_host=False,
    )
