"""Write the OpenAPI document to a file (the web app's typed client is generated from it)."""

import json
import sys
from pathlib import Path


def main(target: str) -> None:
    from app import api
    from chalicelib.web.openapi import build_openapi

    text = json.dumps(build_openapi(api.docs), indent=2, ensure_ascii=False) + "\n"
    path = Path(target)
    if not path.exists() or path.read_text() != text:  # untouched file: no needless rebuilds
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


if __name__ == "__main__":
    main(sys.argv[1])
