""".env.example lists every variable the panel's settings read, and nothing they do not, with
their defaults: the settings are read from their source (every ``env.*("NAME", default ...)``
call of plcloud_panel/settings.py), not from a list kept by hand."""

import ast
import re
from pathlib import Path

from plcloud_sandbox.config import TIMING_ENV

ROOT = Path(__file__).resolve().parents[2]
# NAME=value lines, set or commented out.
_LINE = re.compile(r"^(?P<comment>#\s*)?(?P<name>[A-Z][A-Z0-9_]+)=(?P<value>\S*)", re.M)


def settings_calls() -> dict[str, ast.Call]:
    """Every variable settings.py reads through plcloud_panel.env, and the call that reads it."""
    tree = ast.parse((ROOT / "plcloud_panel" / "settings.py").read_text())
    calls = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "env"):
            continue
        first = node.args[0]
        names = first.elts if isinstance(first, ast.Tuple) else [first]  # env.broker(("A", "B"), ...)
        for name in names:
            assert isinstance(name, ast.Constant), f"line {node.lineno}: a variable name must be written out"
            calls[name.value] = node
    return calls


def documented() -> dict[str, tuple[bool, str]]:
    """.env.example's variables: (set, not commented out; the value shown)."""
    text = (ROOT / ".env.example").read_text()
    return {m["name"]: (not m["comment"], m["value"]) for m in _LINE.finditer(text)}


def sandbox_variables() -> set[str]:
    """What the sandbox (python -m plcloud_sandbox) reads from the environment: its own section."""
    source = (ROOT / "plcloud_sandbox" / "config.py").read_text()
    return set(TIMING_ENV.values()) | set(re.findall(r'"(PLCLOUD_SANDBOX_[A-Z_]+)"', source))


def test_every_variable_the_settings_read_is_in_env_example_and_nothing_else():
    read, listed = set(settings_calls()), set(documented())
    assert read, "no env.* call found in settings.py"
    assert not read - listed, f"read by plcloud_panel/settings.py but not in .env.example: {sorted(read - listed)}"
    unknown = listed - read - sandbox_variables()
    assert not unknown, f"in .env.example but read by nothing: {sorted(unknown)}"


def test_settings_read_the_environment_only_through_plcloud_panel_env():
    source = (ROOT / "plcloud_panel" / "settings.py").read_text()
    assert not re.search(r"os\.(environ|getenv)", source)


def test_every_value_set_in_env_example_is_the_settings_default():
    """A line that sets a value shows the default, so copying the file changes nothing."""
    parse = {"integer": int, "number": float, "boolean": lambda text: text.lower() in {"1", "true", "yes", "on"}}
    compared = 0
    for name, call in settings_calls().items():
        is_set, value = documented().get(name, (False, ""))
        default = call.args[1] if len(call.args) > 1 else None
        if not is_set or not value or not isinstance(default, ast.Constant):
            continue
        reader = parse.get(call.func.attr, str)
        assert reader(value) == default.value, f".env.example sets {name}={value}, the default is {default.value!r}"
        compared += 1
    assert compared >= 20
