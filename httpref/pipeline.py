"""The build, read top to bottom: load and validate, render, write."""
import logging
import time
from pathlib import Path

from .content import load_site
from .render import fingerprint_assets, render_site
from .write import write_site

log = logging.getLogger("httpref")


def check_site(root: Path):
    """Validate all content; raise ContentError listing every problem."""
    site = load_site(root)
    missing = sorted(set(site.registry) - set(site.by_code))
    if missing:
        log.info("%d registered codes have no page yet: %s", len(missing),
                 " ".join(map(str, missing)))
    return site


def build_site(root: Path, out: Path, base_url: str | None = None) -> int:
    """Build the whole site into `out`; on any error the previous `out` is left as it was."""
    started = time.perf_counter()
    site = load_site(root, base_url)
    assets = fingerprint_assets(root / "static")
    outputs = render_site(site, root / "templates", assets)
    count = write_site(outputs, out)
    pages = sum(1 for path, _ in outputs if path.endswith(".html"))
    log.info("Built %d pages (%d files) in %.2f s", pages, count, time.perf_counter() - started)
    return count
