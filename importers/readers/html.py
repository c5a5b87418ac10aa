"""A government web page (.html, or .mht saved by a browser) → ``Document``.

The notice is a small part of such a page: navigation, breadcrumbs (当前位置), font-size and
print tools, share buttons and the site footer surround it. The reader keeps the article body,
found as the element whose paragraphs hold the most non-link text, and takes the page's
metadata table (索引号, 发文字号, 发文机关, 成文日期 …) into ``Document.meta``.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import Message

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from importers.document import Block, Document, Paragraph, Table
from importers.parse import NoticeImportError
from importers.readers.common import (
    MAX_COLUMNS,
    clean_text,
    damaged,
    join_source_lines,
    lift_table_titles,
    merge_split_tables,
    pad_rows,
    table_too_large,
)
from importers.sniff import decode_text

META_LABELS = (
    "索引号",
    "发文字号",
    "发文文号",
    "文号",
    "发文机关",
    "发文单位",
    "发布机构",
    "成文日期",
    "成文时间",
    "发文时间",
    "发文日期",
    "发布日期",
    "发布时间",
    "印发日期",
    "标题",
    "名称",
    "主题分类",
    "主题词",
    "信息来源",
)
# Labels a page may use for a key the builder looks for under one name.
META_ALIASES = {
    "文号": "发文字号",
    "发文文号": "发文字号",
    "发文单位": "发文机关",
    "发布机构": "发文机关",
    "成文时间": "成文日期",
    "发文日期": "发文时间",
    "名称": "标题",
}
_LABEL_ALT = "|".join(sorted(META_LABELS, key=len, reverse=True))
_LABEL_SPACED = r"[\s\u3000]*".join
_ANY_LABEL = re.compile(_LABEL_ALT)
_INLINE_META = re.compile(
    rf"({_LABEL_ALT})\s*[:：]\s*(.+?)(?=\s*(?:{_LABEL_ALT})\s*[:：]|$)", re.DOTALL
)

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "object",
    "embed",
    "form",
    "select",
    "button",
    "input",
    "textarea",
    "nav",
    "header",
    "footer",
    "link",
    "meta",
    "svg",
    "canvas",
    "template",
    "head",
    "map",
)
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "center",
    "address",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
    "caption",
    "figure",
    "figcaption",
    "hr",
    "aside",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

# Page chrome that sits inside the article container on many sites.
_CHROME = re.compile(
    r"^(?:"
    r"当前位置|您的位置|你的位置|所在位置|首页\s*[>》›]|字体大小|字号[:：]|【?\s*字体|"
    r"扫一扫|分享到|上一篇|下一篇|责任编辑|浏览次数|访问量|点击数|阅读次数|图文解读|"
    r"相关链接|相关文章|相关阅读|网站地图|版权所有|主办[:：]|承办[:：]|网站标识码|"
    r"(?:信息)?来源[:：]|发布时间[:：]|作者[:：]|编辑[:：]|审核[:：]|【?\s*我要打印|"
    r"[京晋冀鲁豫苏浙皖闽赣湘鄂粤桂琼川贵云陕甘青宁新藏蒙辽吉黑沪津渝]ICP备|"
    r"(?:【?\s*(?:打印本页|打印|关闭窗口|关闭|返回顶部|返回|保存为word|保存|收藏|"
    r"大|中|小|默认|我要纠错|纠错)\s*】?[\s|｜/]*)+$"
    r")",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\r\n\u00a0\u2002\u2003\u2009]+")


def read_html(data: bytes) -> Document:
    try:
        return _read(data)
    except NoticeImportError:
        raise
    except Exception as exc:  # lxml and BeautifulSoup on hostile markup
        raise damaged("网页（.html）", exc) from exc


# --- decoding -----------------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _python_codec(name: str) -> str:
    name = name.lower().strip()
    # Pages that declare GB2312 or GBK routinely contain characters only GB18030 maps.
    if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn", "hz-gb-2312"):
        return "gb18030"
    if name in ("utf8", "utf-8", "unicode"):
        return "utf-8"
    return name


def decode_html(data: bytes) -> str:
    if re.match(rb"^\s*(?:[\w-]+:[^\r\n]*\r?\n)*MIME-Version:", data[:4096], re.IGNORECASE):
        html = _mht_html(data)
        if html is not None:
            return html
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    declared = _CHARSET.search(data[:8192])
    if declared:
        codec = _python_codec(declared.group(1).decode("ascii", "replace"))
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration lies; fall back on the content
    text = decode_text(data)
    if text is not None:
        return text
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("gb18030", "replace")


def _mht_html(data: bytes) -> str | None:
    message: Message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset()
        if charset:
            try:
                return payload.decode(_python_codec(charset))
            except (UnicodeDecodeError, LookupError):
                pass
        return decode_html(payload)
    return None


# --- reading ------------------------------------------------------------------------------------


def _text(el: Tag | NavigableString) -> str:
    raw = el.get_text(" ") if isinstance(el, Tag) else str(el)
    return clean_text(_SPACES.sub(" ", raw))


def _tags(root: Tag) -> list[Tag]:
    # One pass over the tree: BeautifulSoup's find_all builds a matcher per call and is slow.
    return [d for d in root.descendants if type(d) is Tag]


def _own_strings(el: Tag) -> str:
    return "".join(
        str(c) for c in el.children if isinstance(c, NavigableString) and not isinstance(c, Comment)
    )


def _read(data: bytes) -> Document:
    markup = decode_html(data)
    soup = BeautifulSoup(markup, "lxml")
    page_title = ""
    if soup.title is not None:
        page_title = _text(soup.title)
    drop = set(_DROP_TAGS)
    doomed: list[Tag] = []
    comments: list[Comment] = []
    for node in soup.descendants:
        if type(node) is Tag:
            if node.name in drop:
                doomed.append(node)
        elif isinstance(node, Comment):
            comments.append(node)
    for comment in comments:
        comment.extract()
    for tag in doomed:
        if not tag.decomposed:
            tag.decompose()
    root = soup.body or soup
    tags: list[Tag] = []
    strings: list[NavigableString] = []
    for node in root.descendants:
        if type(node) is Tag:
            tags.append(node)
        elif isinstance(node, NavigableString):
            strings.append(node)
    meta = _extract_meta(tags, strings)
    # The metadata table is gone from the tree now; drop its tags from the list too.
    tags = [t for t in tags if not t.decomposed]
    body = _find_body(root, tags)
    blocks: list[Block] = []
    if body is not None:
        collector = _Collector(blocks)
        for lead in _lead_in(body):
            collector.walk_one(lead)
        collector.walk_one(body)
    blocks = [b for b in blocks if not (isinstance(b, Paragraph) and _CHROME.match(b.text))]
    blocks = merge_split_tables(lift_table_titles(blocks, single_row_as_text=True))
    title = meta.get("标题") or _heading_title(tags, body) or _page_title(page_title)
    if title:
        meta.setdefault("标题", title)
        first = next((b for b in blocks if isinstance(b, Paragraph)), None)
        if first is None or _squash(first.text) != _squash(title):
            # The page shows its title above the body, as a letterhead does on paper.
            blocks.insert(0, Paragraph(text=title, heading=True))
    if not blocks:
        raise NoticeImportError(
            "网页中没有找到通知正文。请确认保存的是通知所在的页面，或把正文复制到文本文件后上传。"
        )
    return Document(blocks=blocks, meta=meta, source_format="html")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# A heading or <title> is taken for the notice's title only when it reads like one, not like
# the site's name ("某县人民政府门户网站") or a column's ("政府文件").
_DOCUMENT_TITLE = re.compile(r"关于|通知|方案|意见|决定|办法|分工|要点|计划|报告|规定|细则|函")


def _page_title(title: str) -> str:
    # "标题_栏目名_网站名" or "标题 - 网站名"
    head = re.split(r"\s*[_|｜]\s*|\s+[-—]\s+", title)[0] if title else ""
    return head if len(head) >= 6 and _DOCUMENT_TITLE.search(head) else ""


def _heading_title(tags: list[Tag], body: Tag | None) -> str:
    for level in ("h1", "h2"):
        for heading in tags:
            if heading.name != level:
                continue
            # Identity, not ==: a Tag's == compares whole subtrees.
            if body is not None and any(parent is body for parent in heading.parents):
                continue
            text = _text(heading)
            if len(text) >= 6 and _DOCUMENT_TITLE.search(text):
                return text
    return ""


_LABEL_CELLS = {"td", "th", "dt", "span", "b", "strong", "label", "em"}
_VALUE_CELLS = {"td", "th", "dd", "span", "em", "i", "div"}
_INLINE_HOLDERS = {"li", "p", "div", "td", "span", "dd", "th"}


def _extract_meta(tags: list[Tag], strings: list[NavigableString]) -> dict[str, str]:
    meta: dict[str, str] = {}
    labels = set(META_LABELS)
    longest = max(len(label) for label in labels) + 6
    tables_with_meta: list[Tag] = []
    for cell in tags:
        if cell.name not in _LABEL_CELLS:
            continue
        raw = cell.get_text()
        if len(raw) > longest + 20:
            continue
        label = re.sub(r"[\s\u3000:：]+", "", raw)
        if label not in labels:
            continue
        value = ""
        for sibling in cell.next_siblings:
            if type(sibling) is Tag:
                if sibling.name in _VALUE_CELLS:
                    value = _text(sibling)
                break
            if isinstance(sibling, NavigableString) and str(sibling).strip():
                value = clean_text(str(sibling))
                break
        if value and label not in meta and len(value) < 300:
            meta[label] = value
            table = cell.find_parent("table")
            if table is not None and all(t is not table for t in tables_with_meta):
                tables_with_meta.append(table)
    # "索引号：… 发文字号：…" written as text in list items or paragraphs.
    holders: list[Tag] = []
    for string in strings:
        if not _ANY_LABEL.search(string):
            continue
        holder = string.parent
        while holder is not None and holder.name not in _INLINE_HOLDERS:
            holder = holder.parent
        if holder is not None and all(h is not holder for h in holders):
            holders.append(holder)
    for holder in holders:
        text = _text(holder)
        if len(text) > 400:
            continue
        for label, value in _INLINE_META.findall(text):
            value = clean_text(value)
            if value and label not in meta:
                meta[label] = value
    for label, canonical in META_ALIASES.items():
        if label in meta and canonical not in meta:
            meta[canonical] = meta[label]
    for table in tables_with_meta:
        # The metadata table is not part of the notice's text.
        if len(meta) >= 2:
            table.decompose()
    return meta


def _is_linky(el: Tag, total: int) -> bool:
    if total == 0:
        return True
    linked = sum(
        len(_SPACES.sub("", d.get_text()))
        for d in el.descendants
        if type(d) is Tag and d.name == "a"
    )
    return linked > total * 0.5


_OWN_TEXT_HOLDERS = {"div", "td", "li", "span", "font", "section", "article", "pre"}


def _find_body(root: Tag, tags: list[Tag]) -> Tag | None:
    """The element whose paragraphs hold the most text outside links."""
    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}

    def add(node: object, amount: float) -> None:
        if isinstance(node, Tag):
            elements[id(node)] = node
            scores[id(node)] = scores.get(id(node), 0.0) + amount

    for el in tags:
        if el.name == "p":
            length = len(_SPACES.sub("", el.get_text()))
            if length < 8 or _is_linky(el, length):
                continue
            add(el.parent, length)
            add(el.parent.parent if el.parent else None, length / 2)
        elif el.name in _OWN_TEXT_HOLDERS:
            # Text held directly (between <br>s), not through <p> or nested blocks.
            length = len(_SPACES.sub("", _own_strings(el)))
            if length < 8:
                continue
            target = el if el.name in ("div", "td", "section", "article") else el.parent
            add(target, length)
            add(target.parent if target else None, length / 2)
    if not scores:
        return root
    best = elements[max(scores, key=lambda k: scores[k])]
    if best.name not in ("div", "td", "article", "section", "body", "main", "html"):
        parent = best.find_parent(["div", "td", "article", "section", "main", "body"])
        if parent is not None:
            best = parent
    # A cell of a table that is itself the body (a division table saved as a web page) wins the
    # scoring; its ancestors up to the table hold much more of the same kind of text.
    own = _plain_length(best)
    if best.name in ("td", "th"):
        table = best.find_parent("table")
        if table is not None:
            table_length = _plain_length(table)
            if table_length >= own * 1.5:
                best, own = table, table_length
    while best.parent is not None and best.parent.name not in ("body", "html", "[document]"):
        parent_length = _plain_length(best.parent)
        if parent_length < own * 1.5:
            break
        best, own = best.parent, parent_length
    return best


def _plain_length(el: Tag) -> int:
    """Characters of text outside links."""
    total = len(_SPACES.sub("", el.get_text()))
    linked = sum(
        len(_SPACES.sub("", d.get_text()))
        for d in el.descendants
        if type(d) is Tag and d.name == "a"
    )
    return total - linked


def _lead_in(body: Tag) -> list[Tag]:
    """Short text blocks right before the body (the notice's title and 文号 lines above it)."""
    out: list[Tag] = []
    for sibling in body.previous_siblings:
        if isinstance(sibling, NavigableString):
            if str(sibling).strip():
                break
            continue
        if type(sibling) is not Tag or sibling.name not in _LEAD_IN:
            break
        text = _SPACES.sub("", sibling.get_text())
        if not text:
            continue
        if len(text) > 150 or sibling.find(["a", "table", "img", "ul"]) is not None:
            break
        out.insert(0, sibling)
        if len(out) >= 4:
            break
    return out


_LEAD_IN = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "center"}


class _Collector:
    """Paragraphs and tables of the body, in order; <br> and block tags end a paragraph."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.buffer: list[str] = []

    def flush(self, heading: bool = False) -> None:
        if not self.buffer:
            return
        raw = "".join(self.buffer)
        self.buffer = []
        text = clean_text(_SPACES.sub(" ", join_source_lines(raw)))
        if text:
            self.blocks.append(Paragraph(text=text, heading=heading))

    def walk_one(self, el: Tag) -> None:
        """The element itself as a block (or blocks), not only its children."""
        self.flush()
        if el.name == "table":
            self.table(el)
        elif el.name in _HEADINGS:
            self.walk(el)
            self.flush(heading=True)
        else:
            self.walk(el)
            self.flush()

    def walk(self, el: Tag) -> None:
        for child in el.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                self.flush()
            elif name == "table":
                self.flush()
                self.table(child)
            elif name == "pre":
                # Text laid out by its own line breaks (a notice pasted in as plain text).
                self.flush()
                for line in child.get_text().splitlines():
                    text = clean_text(_SPACES.sub(" ", line))
                    if text:
                        self.blocks.append(Paragraph(text=text))
            elif name in _HEADINGS:
                self.flush()
                self.walk(child)
                self.flush(heading=True)
            elif name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)
        # The last paragraph of the body is flushed by the caller's next block or here.
        if el.parent is None or el.name in ("body", "html"):
            self.flush()

    def table(self, table: Tag) -> None:
        rows = _table_rows(table)
        columns = max((len(r) for r in rows), default=0)
        if columns <= 1 or table.find("table") is not None or len(rows) < 1:
            # A layout table: its cells are just containers.
            self.walk(table)
            self.flush()
            return
        self.blocks.append(Table(rows=rows))


def _table_rows(table: Tag) -> list[list[str]]:
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    trs = trs[:5000]
    for r, tr in enumerate(trs):
        row: list[str] = []
        c = 0
        cells = [td for td in tr.find_all(["td", "th"], recursive=False)]
        for cell in cells:
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            text = _cell_text(cell)
            colspan = _span(cell.get("colspan"))
            # A span past the table's last row covers nothing.
            rowspan = min(_span(cell.get("rowspan")), len(trs) - r)
            if c + colspan > MAX_COLUMNS:
                raise table_too_large(c + colspan, len(trs))
            for i in range(colspan):
                row.append(text)
                for k in range(1, rowspan):
                    pending[(r + k, c + i)] = text
            c += colspan
        while (r, c) in pending:
            row.append(pending.pop((r, c)))
            c += 1
        if any(row):
            rows.append(row)
    return pad_rows(rows)


def _cell_text(cell: Tag) -> str:
    """A cell's paragraphs (and <br> lines) joined by newlines; inline markup adds nothing."""
    blocks: list[Block] = []
    collector = _Collector(blocks)
    collector.walk(cell)
    collector.flush()
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(" ".join(c for c in row if c) for row in block.rows)
    return "\n".join(line for line in lines if line)


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1
