"""Every URL pattern of the project, each turned into one concrete URL that resolves to it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")
# Values tried for a regex group, in order: the first that the group matches is used.
_REGEX_SAMPLES = ("1", "tk-1a", "auth", "x")


@dataclass(frozen=True)
class Endpoint:
    url: str
    name: str  # "namespace:name", or the pattern itself when unnamed
    callback: object


def _route_part(route: str, samples: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        if match["name"] in samples:
            return samples[match["name"]]
        return {
            "int": "1",
            "path": "1",
            "str": "x",
            "slug": "x",
            "uuid": "00000000-0000-0000-0000-000000000001",
            "plcloud_id": "1",
        }[match["converter"] or "str"]

    return _ROUTE_PARAM.sub(value, route)


def _regex_part(regex: str, samples: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        if match["name"] in samples:
            return samples[match["name"]]
        for sample in _REGEX_SAMPLES:
            if re.fullmatch(match["body"], sample):
                return sample
        return "x"

    return _REGEX_GROUP.sub(value, regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z"))


def _part(pattern, samples: dict[str, str]) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_part(str(pattern), samples)
    if isinstance(pattern, RegexPattern):
        return _regex_part(str(pattern), samples)
    return str(pattern)


def _walk(resolver: URLResolver, prefix: str, namespace: str, samples: dict[str, str]):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + _part(entry.pattern, samples), inner, samples)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}{entry.pattern}"
            yield "/" + prefix + _part(entry.pattern, samples), name, entry.callback


def every_endpoint(samples: dict[str, str] | None = None) -> tuple[list[Endpoint], list[str]]:
    """(endpoints, names of patterns no URL could be built for); ``samples`` gives values for
    named parameters (a real domain id, say)."""
    endpoints, unbuilt = [], []
    for url, name, callback in _walk(get_resolver(), "", "", samples or {}):
        try:
            match = resolve(url)
        except Resolver404:
            unbuilt.append(name)
            continue
        if match.func is not callback:
            unbuilt.append(name)
            continue
        endpoints.append(Endpoint(url, name, callback))
    return endpoints, unbuilt
