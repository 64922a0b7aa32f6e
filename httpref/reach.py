"""What makes the site reachable beyond a browser tab: the web app manifest and its icons,
the service worker that keeps pages for offline reading, and the OpenSearch description that
lets a browser search the site from the address bar."""
from . import routes
from .cards import Cards

ICONS = ((64, False), (192, False), (512, False), (512, True))  # (size, maskable)
SHORT_NAME = "HTTP codes"  # OpenSearch allows 16 characters; a home screen label about 12


def outputs(site, out, assets: dict, cards: Cards):
    """The manifest, its icons, the service worker, the offline page and OpenSearch."""
    for size, maskable in ICONS:
        out.file(routes.icon_url(size, maskable), lambda size=size, maskable=maskable:
                 cards.icon(size, maskable), (size, maskable, cards.key))
    out.data(routes.MANIFEST, lambda: manifest(site, cards.colours), (site.config, cards.colours))
    precache = [routes.HOME, routes.OFFLINE, routes.LOOKUP, *(assets[name][0] for name in
                ("style.css", "site.js", "lookup.js", "favicon.svg"))]
    out.page(routes.OFFLINE, "offline.html", (), json_ld=None)
    out.page(routes.SERVICE_WORKER, "sw.js", (precache,), precache=precache,
             offline_url=routes.OFFLINE, static_url=routes.STATIC, json_ld=None)
    out.page(routes.OPENSEARCH, "opensearch.xml", (), short_name=SHORT_NAME,
             icon_url=routes.icon_url(64, False), json_ld=None)


def manifest(site, colours: dict) -> dict:
    """The web app manifest: installable, opening on the full reference, in the site's colours."""
    return {
        "name": site.config["title"], "short_name": SHORT_NAME,
        "description": site.config["description"], "lang": "en", "start_url": routes.HOME,
        "scope": routes.HOME, "display": "standalone", "background_color": colours["ground"],
        "theme_color": colours["accent"],
        "icons": [{"src": routes.icon_url(size, maskable), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": "maskable" if maskable else "any"}
                  for size, maskable in ICONS if size >= 192],
        "shortcuts": [{"name": "Which status code should I return?", "url": routes.GUIDE},
                      {"name": "Error messages", "url": routes.MESSAGES},
                      {"name": "Cheat sheet", "url": routes.CHEATSHEET}],
    }
