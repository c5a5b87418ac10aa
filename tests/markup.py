"""Markup compared as a browser reads it: tags, sorted attributes and text, whitespace between
tags aside. For tests that check new Python-built HTML against the templates it replaced."""

from bs4 import BeautifulSoup, NavigableString


def canonical(node):
    if isinstance(node, NavigableString):
        return " ".join(node.split())
    attrs = []
    for key, value in sorted(node.attrs.items()):
        if key == "value" and node.get("name") == "csrfmiddlewaretoken":
            continue  # masked afresh on every render
        attrs.append((key, " ".join(sorted(value)) if isinstance(value, list) else value))
    children = [canonical(child) for child in node.children]
    return (node.name, tuple(attrs), tuple(c for c in children if c != ""))


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")
