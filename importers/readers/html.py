"""A government web page (.html, or .mht saved by a browser) → ``Document``.

The notice is a small part of such a page: navigation, breadcrumbs (当前位置), font-size and
print tools, share buttons and the site footer surround it. The reader keeps the article body,
found as the element whose paragraphs hold the most non-link text, and takes the page's
metadata table (索引号, 发文字号, 发文机关, 成文日期 …) into ``Document.meta``.
"""

from __future__ import annotations

import bisect
import email
import email.policy
import operator
import re
from email.message import Message
from itertools import accumulate, count

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
from importers.readers.html_body import (
    VANISHING,
    TextLengths,
    ancestor,
    find_body,
    get_text,
    lead_in,
    spaced_text,
    text_of,
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


def _read(data: bytes) -> Document:
    markup = decode_html(data)
    soup = BeautifulSoup(markup, "lxml")
    # ``soup.title``, ``soup.body`` and ``tag.decomposed`` look like attributes but the first two
    # search the tree and the last one, on a tag never decomposed, searches its subtree for a
    # child tag named "_decomposed". One walk finds all this out instead.
    drop = set(_DROP_TAGS)
    title_tag: Tag | None = None
    bodies: list[Tag] = []
    doomed: list[Tag] = []
    comments: list[Comment] = []
    for node in soup.descendants:
        if type(node) is Tag:
            name = node.name
            if name in drop:
                doomed.append(node)
            elif name == "title" and title_tag is None:
                title_tag = node
            elif name == "body":
                bodies.append(node)
        elif isinstance(node, Comment):
            comments.append(node)
    page_title = text_of(title_tag) if title_tag is not None else ""
    # A dropped tag inside another goes with it; so does a <body> inside one.
    doomed_ids = {id(tag) for tag in doomed}
    outermost = [t for t in doomed if not any(id(p) in doomed_ids for p in t.parents)]
    body_tag = next((b for b in bodies if not any(id(p) in doomed_ids for p in b.parents)), None)
    for comment in comments:
        comment.extract()
    for tag in outermost:
        tag.decompose()
    root = body_tag or soup
    tags: list[Tag] = []
    strings: list[NavigableString] = []
    for node in root.descendants:
        if type(node) is Tag:
            tags.append(node)
        elif isinstance(node, NavigableString):
            strings.append(node)
    meta, meta_tables = _extract_meta(tags, strings)
    if meta_tables:
        # The metadata table is not part of the notice's text: out of the tree and of the list.
        removed: set[int] = set()
        for table in meta_tables:
            removed.add(id(table))
            removed.update(id(d) for d in table.descendants)
        for table in meta_tables:
            table.decompose()
        tags = [t for t in tags if id(t) not in removed]
    lengths = TextLengths(tags)
    body = find_body(root, tags, lengths)
    blocks: list[Block] = []
    if body is not None:
        collector = _Collector(blocks)
        for lead in lead_in(body, lengths):
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
            text = text_of(heading)
            if len(text) >= 6 and _DOCUMENT_TITLE.search(text):
                return text
    return ""


_LABEL_PADDING = re.compile(r"[\s\u3000:：]+")
_LABEL_CELLS = {"td", "th", "dt", "span", "b", "strong", "label", "em"}
_VALUE_CELLS = {"td", "th", "dd", "span", "em", "i", "div"}
_INLINE_HOLDERS = {"li", "p", "div", "td", "span", "dd", "th"}


def _extract_meta(
    tags: list[Tag], strings: list[NavigableString]
) -> tuple[dict[str, str], list[Tag]]:
    """The page's metadata, and the metadata tables to take out of the page."""
    meta: dict[str, str] = {}
    labels = set(META_LABELS)
    longest = max(len(label) for label in labels) + 6
    tables_with_meta: list[Tag] = []
    for cell in tags:
        if cell.name not in _LABEL_CELLS:
            continue
        raw = get_text(cell)
        if len(raw) > longest + 20:
            continue
        label = _LABEL_PADDING.sub("", raw)
        if label not in labels:
            continue
        value = ""
        for sibling in cell.next_siblings:
            if type(sibling) is Tag:
                if sibling.name in _VALUE_CELLS:
                    value = text_of(sibling)
                break
            if isinstance(sibling, NavigableString) and str(sibling).strip():
                value = clean_text(str(sibling))
                break
        if value and label not in meta and len(value) < 300:
            meta[label] = value
            table = ancestor(cell, {"table"})
            if table is not None and all(t is not table for t in tables_with_meta):
                tables_with_meta.append(table)
    # "索引号：… 发文字号：…" written as text in list items or paragraphs.
    holders: list[Tag] = []
    for string in _strings_with_label(strings):
        holder = string.parent
        while holder is not None and holder.name not in _INLINE_HOLDERS:
            holder = holder.parent
        if holder is not None and all(h is not holder for h in holders):
            holders.append(holder)
    for holder in holders:
        text = text_of(holder)
        if len(text) > 400:
            continue
        for label, value in _INLINE_META.findall(text):
            value = clean_text(value)
            if value and label not in meta:
                meta[label] = value
    for label, canonical in META_ALIASES.items():
        if label in meta and canonical not in meta:
            meta[canonical] = meta[label]
    return meta, tables_with_meta if len(meta) >= 2 else []


def _strings_with_label(strings: list[NavigableString]) -> list[NavigableString]:
    """The strings in which _ANY_LABEL finds a label: one search over all of them, joined by a
    character no label holds, instead of a search for each."""
    joined = "\0".join(strings)
    # Where each string starts in ``joined``: the lengths before it, plus one separator each.
    starts = list(map(operator.add, accumulate(map(len, strings), initial=0), count()))
    found: list[NavigableString] = []
    for m in _ANY_LABEL.finditer(joined):
        string = strings[bisect.bisect_right(starts, m.start()) - 1]
        if not found or found[-1] is not string:
            found.append(string)
    return found


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
        if not raw.strip(VANISHING):
            return  # the markup's indentation between two tags
        if "\n" in raw:
            raw = join_source_lines(raw)
        text = spaced_text(raw)
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
        for child in el.contents:
            if type(child) is not Tag:
                if isinstance(child, NavigableString) and not isinstance(child, Comment):
                    self.buffer.append(child)
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
                for line in get_text(child).splitlines():
                    text = spaced_text(line)
                    if text:
                        self.blocks.append(Paragraph(text=text))
            elif name in _HEADINGS:
                self.flush()
                self.walk(child)
                self.flush(heading=True)
            elif name in _BLOCK_TAGS:
                self.flush()
                inner = child.contents
                if len(inner) == 1 and type(inner[0]) is NavigableString:
                    self.buffer.append(inner[0])  # a paragraph of one string: most of them
                else:
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
        nested = any(type(d) is Tag and d.name == "table" for d in table.descendants)
        if columns <= 1 or nested or len(rows) < 1:
            # A layout table: its cells are just containers.
            self.walk(table)
            self.flush()
            return
        self.blocks.append(Table(rows=rows))


def _table_rows(table: Tag) -> list[list[str]]:
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    trs = [
        tr
        for tr in table.descendants
        if type(tr) is Tag and tr.name == "tr" and ancestor(tr, {"table"}) is table
    ]
    trs = trs[:5000]
    for r, tr in enumerate(trs):
        row: list[str] = []
        c = 0
        cells = [td for td in tr.children if type(td) is Tag and td.name in ("td", "th")]
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
