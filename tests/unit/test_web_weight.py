"""What the landing page downloads first, read from the web app's build (Vite's manifest): within 60 KB of
gzipped JavaScript, with the core of one language's catalogue (the heaviest), not all five, and none of the
catalogue's areas, which come with the first screen that needs them (frontend/src/i18n/catalogue-chunks.ts)."""

import gzip
import json
from pathlib import Path

import pytest

DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"
BUDGET = 60_000  # bytes of gzipped JavaScript (issue #15)


def manifest() -> dict:
    path = DIST / ".vite" / "manifest.json"
    if not path.exists():
        pytest.fail("frontend/dist is not built: run `make test` (it builds the web app first)")
    return json.loads(path.read_text())


def gzipped(file: str) -> int:
    return len(gzip.compress((DIST / file).read_bytes(), compresslevel=6))  # as CloudFront and the local origin


def static_closure(chunks: dict, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo += chunks[key].get("imports", [])
    return seen


def test_the_landing_page_loads_one_language_and_stays_within_60_kb():
    chunks = manifest()
    named = {key: chunk.get("name", "") for key, chunk in chunks.items()}
    catalogues = {key for key, name in named.items() if name.startswith("catalogue-") and not name.endswith("-areas")}
    areas = {key for key, name in named.items() if name.startswith("catalogue-") and name.endswith("-areas")}
    assert len(catalogues) == 5, "one core catalogue chunk per language (vite.config.ts manualChunks)"
    assert len(areas) == 5, "one chunk of the catalogue's areas per language (vite.config.ts manualChunks)"
    first = static_closure(chunks, "index.html")
    assert not first & (catalogues | areas), "a catalogue is in the first download: every reader would fetch it"
    heaviest = max(catalogues, key=lambda key: gzipped(chunks[key]["file"]))
    files = {chunks[key]["file"] for key in first | static_closure(chunks, heaviest) if chunks[key]["file"].endswith(".js")}
    total = sum(gzipped(file) for file in files)
    print(f"landing page: {total / 1000:.1f} KB of gzipped JavaScript in {len(files)} files "
          f"(with {chunks[heaviest]['name']})")
    assert not files & {chunks[key]["file"] for key in areas}, "the catalogue's areas are on the landing page"
    assert total <= BUDGET, f"{total} bytes of gzipped JavaScript on the landing page: {sorted(files)}"
