"""The Plcloud sandbox: a local server speaking the Plcloud wire protocol (docs/plcloud-api.md).

Standard library only; Django is used by the management command alone.
"""

from plcloud_sandbox.server import SandboxServer, make_server

__all__ = ["SandboxServer", "make_server"]
