"""``python -m plcloud_sandbox``: the sandbox without Django."""

import sys

from plcloud_sandbox.cli import main

if __name__ == "__main__":
    sys.exit(main())
