"""Where a web page's notice text sits: the element whose paragraphs hold the most text outside
links.

The counts are taken once, from the leaves up, and the lookups are plain loops: ``get_text`` on
every paragraph and again on each of the body's ancestors, ``find_parent`` and ``soup.title``
each walk the tree or build a matcher on every call, and the reader is meant to cost little
beside BeautifulSoup's own parse.
"""

from __future__ import annotations

import re

from bs4 import Comment, NavigableString, Tag

from importers.readers.common import clean_text

SPACES = re.compile(r"[ \t\r\n\u00a0\u2002\u2003\u2009]+")
_SPACE_CHARACTERS = " \t\r\n\u00a0\u2002\u2003\u2009"  # what SPACES matches
# Text of nothing but these is empty once SPACES and clean_text have been through it.
VANISHING = _SPACE_CHARACTERS + "\u3000\u200b\ufeff"


def _inner_space(core: str) -> bool:
    """Whether text holds any of _SPACE_CHARACTERS: eight ``in`` tests run faster in C than a
    regex search over every character."""
    return (
        " " in core
        or "\n" in core
        or "\t" in core
        or "\r" in core
        or "\u00a0" in core
        or "\u2002" in core
        or "\u2003" in core
        or "\u2009" in core
    )


def solid_length(text: str) -> int:
    """``len(SPACES.sub("", text))``: characters other than spaces."""
    core = text.strip(_SPACE_CHARACTERS)
    if not core or not _inner_space(core):
        return len(core)
    return len(core) - sum(map(len, SPACES.findall(core)))


def spaced_text(raw: str) -> str:
    """``clean_text(SPACES.sub(" ", raw))``: runs of spaces as one, the edges trimmed."""
    core = raw.strip(_SPACE_CHARACTERS)
    if core and _inner_space(core):
        core = SPACES.sub(" ", core)
    return clean_text(core)


def get_text(el: Tag, separator: str = "") -> str:
    """``el.get_text(separator)``, without the generators BeautifulSoup stacks up for it."""
    types = el.interesting_string_types
    if types is None:
        types = _MAIN_STRINGS
    elif isinstance(types, type):
        types = {types}
    contents = el.contents
    if len(contents) == 1 and type(contents[0]) in types:
        return str(contents[0])  # a cell or a paragraph of one string: most of them
    return separator.join([d for d in el.descendants if type(d) in types])


def text_of(el: Tag | NavigableString) -> str:
    raw = get_text(el, " ") if isinstance(el, Tag) else str(el)
    return spaced_text(raw)


def own_strings(el: Tag) -> str:
    return "".join(
        str(c) for c in el.children if isinstance(c, NavigableString) and not isinstance(c, Comment)
    )


class TextLengths:
    """Characters of each tag's text, of the text of the links in it and of the text it holds
    itself (not through child tags), spaces left out.

    Counted once from the leaves up: ``get_text`` on every paragraph and then on each of the
    body's ancestors reads the same strings over and over. A tag this does not know (outside
    the tree it was given, or one like <rt> whose text BeautifulSoup takes from other kinds of
    strings) is counted the slow way.
    """

    def __init__(self, tags: list[Tag]):
        # id(tag) → (text, link text); id(tag) → own text, for the holders find_body scores.
        self.counts: dict[int, tuple[int, int]] = {}
        self.own: dict[int, int] = {}
        counts = self.counts
        # Document order lists every tag before its descendants: reversed, children come first.
        for tag in reversed(tags):
            solid = linked = 0
            strings: list[str] = []
            plain_strings = True  # all of them of the kinds get_text reads
            for child in tag.contents:
                kind = type(child)
                if kind is Tag:
                    inner = counts.get(id(child))
                    if inner is None:
                        break  # a tree that changed under us: leave this tag to the slow way
                    solid += inner[0]
                    linked += inner[1] + (inner[0] if child.name == "a" else 0)
                elif kind in _MAIN_STRINGS:
                    strings.append(child)
                elif kind is not Comment:
                    plain_strings = False
            else:
                if not strings:
                    own = 0
                elif len(strings) == 1:
                    own = solid_length(strings[0])
                else:
                    own = solid_length("".join(strings))
                counts[id(tag)] = (solid + own, linked)
                if plain_strings and tag.name in _OWN_TEXT_HOLDERS:
                    self.own[id(tag)] = own

    def _known(self, el: Tag) -> bool:
        return id(el) in self.counts and el.interesting_string_types is _MAIN_STRINGS

    def text(self, el: Tag) -> int:
        if self._known(el):
            return self.counts[id(el)][0]
        return solid_length(get_text(el))

    def plain(self, el: Tag) -> int:
        """Characters of text outside links."""
        if self._known(el):
            solid, linked = self.counts[id(el)]
            return solid - linked
        total = solid_length(get_text(el))
        return total - self.links(el)

    def links(self, el: Tag) -> int:
        if self._known(el):
            return self.counts[id(el)][1]
        return sum(self.text(d) for d in el.descendants if type(d) is Tag and d.name == "a")

    def own_text(self, el: Tag) -> int:
        """Characters of the strings that are the tag's own children (not comments)."""
        own = self.own.get(id(el))
        return own if own is not None else solid_length(own_strings(el))


_MAIN_STRINGS = Tag.MAIN_CONTENT_STRING_TYPES
_OWN_TEXT_HOLDERS = {"div", "td", "li", "span", "font", "section", "article", "pre"}


def find_body(root: Tag, tags: list[Tag], lengths: TextLengths) -> Tag | None:
    """The element whose paragraphs hold the most text outside links."""
    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}

    def add(node: object, amount: float) -> None:
        if isinstance(node, Tag):
            elements[id(node)] = node
            scores[id(node)] = scores.get(id(node), 0.0) + amount

    counts = lengths.counts
    for el in tags:
        name = el.name
        if name == "p":
            known = counts.get(id(el))
            if known is not None and el.interesting_string_types is _MAIN_STRINGS:
                length, linked = known
            else:
                length, linked = lengths.text(el), lengths.links(el)
            if length < 8 or linked > length * 0.5:
                continue
            parent = el.parent
            add(parent, length)
            add(parent.parent if parent else None, length / 2)
        elif name in _OWN_TEXT_HOLDERS:
            # Text held directly (between <br>s), not through <p> or nested blocks.
            length = lengths.own_text(el)
            if length < 8:
                continue
            target = el if name in ("div", "td", "section", "article") else el.parent
            add(target, length)
            add(target.parent if target else None, length / 2)
    if not scores:
        return root
    best = elements[max(scores, key=lambda k: scores[k])]
    if best.name not in ("div", "td", "article", "section", "body", "main", "html"):
        parent = ancestor(best, {"div", "td", "article", "section", "main", "body"})
        if parent is not None:
            best = parent
    # A cell of a table that is itself the body (a division table saved as a web page) wins the
    # scoring; its ancestors up to the table hold much more of the same kind of text.
    own = lengths.plain(best)
    if best.name in ("td", "th"):
        table = ancestor(best, {"table"})
        if table is not None:
            table_length = lengths.plain(table)
            if table_length >= own * 1.5:
                best, own = table, table_length
    while best.parent is not None and best.parent.name not in ("body", "html", "[document]"):
        parent_length = lengths.plain(best.parent)
        if parent_length < own * 1.5:
            break
        best, own = best.parent, parent_length
    return best


def ancestor(el: Tag, names: set[str]) -> Tag | None:
    """``find_parent`` without BeautifulSoup's matcher, which is built anew on every call."""
    for parent in el.parents:
        if parent.name in names:
            return parent
    return None


def lead_in(body: Tag, lengths: TextLengths) -> list[Tag]:
    """Short text blocks right before the body (the notice's title and 文号 lines above it)."""
    out: list[Tag] = []
    for sibling in body.previous_siblings:
        if isinstance(sibling, NavigableString):
            if str(sibling).strip():
                break
            continue
        if type(sibling) is not Tag or sibling.name not in _LEAD_IN:
            break
        length = lengths.text(sibling)
        if not length:
            continue
        if length > 150 or any(
            type(d) is Tag and d.name in _NOT_LEAD_IN for d in sibling.descendants
        ):
            break
        out.insert(0, sibling)
        if len(out) >= 4:
            break
    return out


_LEAD_IN = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "center"}
_NOT_LEAD_IN = {"a", "table", "img", "ul"}
