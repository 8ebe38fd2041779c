"""A feed's address cannot reach inside: every spelling is refused when an editor saves it and at every import.

Each test proves that nothing reached a local server that stands where the address points. A guard
fails any test whose code tries to connect anywhere but this machine, so no test sends a packet out,
even when the code under test is wrong.
"""

import socket
import ssl

import pytest
import trustme
from django.urls import reverse

from core import outbound
from lettings import calendar_sync
from lettings.models import CalendarFeed
from testing.factories import make_letting
from testing.servers import FeedServer

pytestmark = pytest.mark.django_db

FEED = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1@test\r\n"
    b"DTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261210\r\nDTEND;VALUE=DATE:20261212\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)

# Ways to write an address that ends up on this machine ({port}: the local server's).
SPELLINGS = {
    "loopback": "http://127.0.0.1:{port}/secret.ics",
    "backslash before user info": "http://localhost:{port}\\@8.8.8.8/../secret.ics",
    "backslash to a public name": "http://127.0.0.1:{port}\\@example.com/secret.ics",
    "user info": "http://8.8.8.8@127.0.0.1:{port}/secret.ics",
    "user and password": "http://user:secret@127.0.0.1:{port}/secret.ics",
    "fragment before user info": "http://127.0.0.1:{port}#@8.8.8.8/secret.ics",
    "IPv4-mapped IPv6": "http://[::ffff:127.0.0.1]:{port}/secret.ics",
    "IPv4-mapped IPv6, hexadecimal": "http://[::ffff:7f00:1]:{port}/secret.ics",
    "IPv4-compatible IPv6": "http://[::127.0.0.1]:{port}/secret.ics",
    "IPv6 loopback": "http://[::1]:{port}/secret.ics",
    "IPv6 loopback, long form": "http://[0:0:0:0:0:0:0:1]:{port}/secret.ics",
    "NAT64": "http://[64:ff9b::7f00:1]:{port}/secret.ics",
    "6to4": "http://[2002:7f00:1::]:{port}/secret.ics",
    "decimal": "http://2130706433:{port}/secret.ics",
    "hexadecimal": "http://0x7f000001:{port}/secret.ics",
    "octal": "http://0177.0.0.1:{port}/secret.ics",
    "shortened": "http://127.1:{port}/secret.ics",
    "any address": "http://0.0.0.0:{port}/secret.ics",
    "IPv6 any address": "http://[::]:{port}/secret.ics",
    "a name for loopback": "http://localhost:{port}/secret.ics",
    "a name for loopback, capitals and a final dot": "http://LocalHost.:{port}/secret.ics",
    "webcal": "webcal://127.0.0.1:{port}/secret.ics",
    "a tab in the host": "http://127.0.0.1\t:{port}/secret.ics",
    "percent-encoded host": "http://%31%32%37.0.0.1:{port}/secret.ics",
}


@pytest.fixture(autouse=True)
def connections_stay_on_this_machine(monkeypatch):
    """Fail the test if anything tries to connect to an address other than this machine's loopback."""
    real_connect = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
            raise AssertionError(f"a connection to {host} was attempted")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def target():
    """Yield a local server holding a secret calendar: no test may reach it through a refused address."""
    server = FeedServer()
    server.serve("/secret.ics", FEED)
    yield server
    server.close()


@pytest.fixture
def internet(settings, monkeypatch, target):
    """Production's rule, with the local server's port counted as a web port so only the address decides."""
    settings.OUTBOUND_NETWORK = "internet"
    monkeypatch.setattr(outbound, "INTERNET_PORTS", {80, 443, target.port})


@pytest.fixture
def letting(lettings_index):
    """Return a published letting."""
    return make_letting(lettings_index, title="Lake House")


@pytest.mark.usefixtures("internet")
@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_an_import_never_reaches_this_machine_however_the_address_is_written(target, letting, spelling):
    feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=spelling.format(port=target.port))

    result = calendar_sync.sync_feed(feed)

    assert result.error.startswith("the feed's address is refused: ")
    assert target.requests == []
    assert not letting.booked_periods.exists()


@pytest.mark.usefixtures("internet")
@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_an_editor_cannot_save_an_address_that_reaches_this_machine(client, editor, target, letting, spelling):
    client.force_login(editor)
    url = spelling.format(port=target.port)

    response = client.post(
        reverse("wagtailsnippets_lettings_calendarfeed:add"), {"letting": letting.pk, "source": "airbnb", "url": url}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    assert not CalendarFeed.objects.exists()
    assert target.requests == []


def test_the_superuser_cannot_save_one_in_the_django_admin_either(client, admin_user, target, letting, settings):
    settings.OUTBOUND_NETWORK = "internet"
    client.force_login(admin_user)
    url = SPELLINGS["backslash before user info"].format(port=target.port)

    response = client.post(
        reverse("admin:lettings_calendarfeed_add"), {"letting": letting.pk, "source": "airbnb", "url": url}
    )

    assert response.status_code == 200
    assert "An address cannot contain a backslash" in response.text
    assert not CalendarFeed.objects.exists()


def test_production_allows_only_the_web_ports(settings, target, letting):
    settings.OUTBOUND_NETWORK = "internet"
    with pytest.raises(outbound.AddressRefusedError, match="80 and 443"):
        outbound.parse("https://calendar.example.com:22/feed.ics")
    feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=target.url("/secret.ics"))
    assert "80 and 443" in calendar_sync.sync_feed(feed).error
    assert target.requests == []


def test_a_local_run_refuses_the_developers_network(settings):
    settings.OUTBOUND_NETWORK = "loopback"
    for address in ("10.0.0.8", "192.168.1.1", "172.16.0.1", "169.254.169.254", "100.64.0.1", "[fd00::1]"):
        with pytest.raises(outbound.AddressRefusedError, match="outside this machine"):
            outbound.check(f"http://{address}/feed.ics")


def test_make_run_and_the_tests_allow_loopback_only_and_production_the_internet():
    from site_cms.settings import base, dev, test

    assert (base.OUTBOUND_NETWORK, dev.OUTBOUND_NETWORK, test.OUTBOUND_NETWORK) == ("internet", "loopback", "loopback")


def test_a_redirect_is_named_and_not_followed(target, letting):
    first = FeedServer()
    try:
        url = first.redirect("/feed.ics", target.url("/secret.ics"))
        feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=url)

        result = calendar_sync.sync_feed(feed)
    finally:
        first.close()

    assert result.error == f"the feed answered HTTP 302, moved to {target.url('/secret.ics')!r}: save that address"
    assert first.requests == [("/feed.ics", f"127.0.0.1:{first.port}")]
    assert target.requests == []


def test_the_host_is_looked_up_once_and_the_checked_address_is_the_one_connected_to(target, letting, monkeypatch):
    real_getaddrinfo, lookups = socket.getaddrinfo, []

    def rebinding_dns(host, port, *args, **kwargs):
        """Answer loopback for the first lookup of the name, another machine's address for any later one."""
        if host != "calendar.rebind.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "10.9.9.9"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    url = target.url("/secret.ics", host="calendar.rebind.test")
    feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=url)

    result = calendar_sync.sync_feed(feed)

    assert result.error == ""
    assert result.imported == 1
    assert lookups == ["calendar.rebind.test"]
    assert target.requests == [("/secret.ics", f"calendar.rebind.test:{target.port}")]


@pytest.fixture
def tls_feeds(monkeypatch):
    """Yield an HTTPS feed server whose certificate (for localhost) a test authority signed; trust that authority."""
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)
    with authority.cert_pem.tempfile() as bundle:
        monkeypatch.setattr(outbound, "ca_bundle", lambda: bundle)
        server = FeedServer(ssl_context=server_context)
        yield server
        server.close()


def test_a_webcal_address_is_saved_as_https_and_imported_over_verified_tls(client, editor, letting, tls_feeds):
    tls_feeds.serve("/calendar.ics", FEED)
    client.force_login(editor)

    response = client.post(
        reverse("wagtailsnippets_lettings_calendarfeed:add"),
        {"letting": letting.pk, "source": "google", "url": f"webcal://localhost:{tls_feeds.port}/calendar.ics"},
    )

    assert response.status_code == 302
    feed = CalendarFeed.objects.get()
    assert feed.url == f"https://localhost:{tls_feeds.port}/calendar.ics"
    result = calendar_sync.sync_feed(feed)
    assert (result.error, result.imported) == ("", 1)
    assert tls_feeds.requests == [("/calendar.ics", f"localhost:{tls_feeds.port}")]


def test_a_certificate_for_another_name_is_refused(letting, tls_feeds):
    tls_feeds.serve("/calendar.ics", FEED)
    feed = CalendarFeed.objects.create(
        letting=letting, source="google", url=f"https://127.0.0.1:{tls_feeds.port}/calendar.ics"
    )

    result = calendar_sync.sync_feed(feed)

    assert result.error == "the feed's HTTPS certificate could not be verified (CertificateError)"
    assert not letting.booked_periods.exists()


def test_an_address_too_long_once_escaped_is_a_form_error_not_a_500(client, editor, letting, target):
    client.force_login(editor)
    url = target.url("/" + '"' * 170)  # under 500 characters as typed; each quote becomes %22

    response = client.post(
        reverse("wagtailsnippets_lettings_calendarfeed:add"), {"letting": letting.pk, "source": "airbnb", "url": url}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == ["This address is too long once written as it is fetched."]
    assert not CalendarFeed.objects.exists()
