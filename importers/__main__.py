"""``python -m importers FILE``: print the parse as JSON (no database, no directory)."""

import json
import sys
from pathlib import Path

from importers.api import parse_file
from importers.parse import NoticeImportError


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("用法：python -m importers 文件", file=sys.stderr)
        return 2
    path = Path(argv[0])
    try:
        parse = parse_file(path.read_bytes(), path.name)
    except NoticeImportError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(json.dumps(parse.to_json(), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
