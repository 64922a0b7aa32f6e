"""Every URL of the site and the file it is written to: the one place that decides them."""

HOME = "/"
NOT_FOUND = "/404.html"
SITEMAP = "/sitemap.xml"
CHEATSHEET = "/cheatsheet/"  # every code on one printable page
MANIFEST = "/manifest.webmanifest"
SERVICE_WORKER = "/sw.js"  # at the root, so that it may keep every page (site.js registers it)
OFFLINE = "/offline.html"  # what the service worker shows for a page not saved
OPENSEARCH = "/opensearch.xml"
API = "/api/codes.json"
API_INDEX = "/api/"  # the page documenting every file under /api/
API_CSV = "/api/codes.csv"
STATIC = "/static/"
EXPLAINER = "how-status-codes-work"  # the prose page that templates link to by name
COMPARE = "/compare/"
GUIDE = "/choose/"
MESSAGES = "/messages/"
API_MESSAGES = "/api/messages.json"
CLIENTS = "/clients/"
API_CLIENTS = "/api/clients.json"
PROXIES = "/proxies/"
API_PROXIES = "/api/proxies.json"
TEST_SERVER = "/testserver.py"  # the test server people download, answering every code
LOOKUP = "/api/lookup.json"  # what the look-up box and the home filter search, fetched on use


def code_url(code: int) -> str:
    return f"/{code}/"


def api_code_url(code: int | str) -> str:
    """A code's data (given "NNN": how the /api/ page names them all)."""
    return f"/api/{code}.json"


def api_schema_url(name: str) -> str:
    """The JSON Schema of an /api/ file (name: codes, code, messages, clients, proxies, lookup)."""
    return f"/api/schema/{name}.json"


def card_url(page: str) -> str:
    """The share card (Open Graph image) of the page at `page`."""
    return f"/cards/{page.strip('/').replace('/', '-') or 'home'}.png"


def icon_url(size: int, maskable: bool) -> str:
    return f"/icons/{'maskable-' if maskable else ''}{size}.png"


def class_url(key: str) -> str:
    return f"/{key}/"


def compare_url(slug: str) -> str:
    return f"{COMPARE}{slug}/"


def proxy_url(failure: str) -> str:
    """The page of one failure behind a proxy: what each proxy and platform answers."""
    return f"{PROXIES}{failure}/"


def guide_url(step: str = "") -> str:
    """The guide, or one of its questions or results by id."""
    return GUIDE + (f"#{step}" if step else "")


def message_url(slug: str) -> str:
    """The page of a failure with no status code, among the messages."""
    return f"{MESSAGES}{slug}/"


def page_url(slug: str) -> str:
    return f"/{slug}/"


def static_url(name: str) -> str:
    """A static file, by its fingerprinted name."""
    return f"{STATIC}{name}"


def output_path(url: str) -> str:
    """The file, relative to the output folder, that serves a URL: a folder URL is served by
    its index.html."""
    path = url.lstrip("/")
    return path + "index.html" if url.endswith("/") else path

