"""WeasyPrint's only window on the world: the application's own assets, from memory.

Every other URL — file:, http(s):, ftp:, data:, a relative path — is refused, so a document can
neither read a local file nor make the server send a request (WeasyPrint security notes; the
fetcher bypasses fixed up to version 70 are why the version is pinned at 70 or newer).
"""

from __future__ import annotations

import logging
import mimetypes
from functools import lru_cache
from importlib import resources

from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger("workflow.documents")

SCHEME = "app-asset:"


@lru_cache(maxsize=1)
def assets() -> dict[str, bytes]:
    """Every file under workflow/documents/assets, loaded once per process."""
    root = resources.files("workflow.documents").joinpath("assets")
    out: dict[str, bytes] = {}

    def walk(node, prefix: str) -> None:
        for child in node.iterdir():
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.name != "LICENSE":
                out[f"{prefix}{child.name}"] = child.read_bytes()

    walk(root, "")
    return out


class AssetFetcher(URLFetcher):
    """Serves ``app-asset:<path>`` from memory and refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(SCHEME):
            name = url[len(SCHEME) :].lstrip("/")
            body = assets().get(name)
            if body is not None:
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                if name.endswith(".ttf"):
                    mime = "font/ttf"
                return URLFetcherResponse(url, body, headers={"Content-Type": mime})
        self.refused.append(url)
        log.warning("document renderer refused to fetch %s", url[:200])
        raise ValueError(f"refused: {url[:200]}")
