"""Prose notices: chapters (一、), tasks (（一）), topics (1. sub-items, 森林草原火灾： labels) and
measures (the sentences of a task).

The task level is the lowest heading level that carries body text: （一） items when there are
any; otherwise 一、 chapters whose paragraphs open with their heading and go on with text (a
short notice); otherwise 1. items; otherwise every paragraph under a chapter is a task of its
own (a PDF whose item headings were lost).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from importers.lines import LABEL, MARKER, marker_level, opens_like_marker
from importers.parse import MeasureParse, TaskParse
from importers.schedule import deadline_of, recurrence_of
from importers.textutil import cn_to_int
from importers.units import trailing_unit_list

_OPEN = "“‘《（(【「『〔["
_CLOSE = "”’》）)】」』〕]"
_ENDERS = "。！？!?"
_CLAUSE_MARK = re.compile("[，,；;]")
_MARK_SPLIT = re.compile("([" + re.escape(_OPEN + _CLOSE + _ENDERS) + "])")
# A measure needs more than two letters, digits or ideographs; punctuation and spaces don't count.
_THREE_WORD_CHARACTERS = re.compile(r"\w\W*\w\W*\w")


# Contact details under the body ("联系人：张三", "24小时值班电话：……") are not measures.
_CONTACT = re.compile(
    r"^[^，。]{0,12}(联系人|联系电话|值班电话|联系方式|电话|传真|邮箱|电子邮箱)\s*[:：]"
)


def split_sentences(text: str) -> list[str]:
    """Split after 。！？ outside quotes and brackets, keeping each sentence's own text."""
    return _split(text)[0]


def _split(text: str) -> tuple[list[str], bool]:
    """The sentences, and whether the brackets are balanced (when they are not, every 。！？
    ends a sentence: a quote broken by extraction would swallow every split after it)."""
    # Only the marks matter: split around them (in C), then follow the depth on them alone.
    parts = _MARK_SPLIT.split(text)
    # First as if the brackets were balanced, which they nearly always are.
    cuts: list[int] = []
    depth = 0
    for i in range(1, len(parts), 2):
        ch = parts[i]
        if ch in _ENDERS:
            if depth == 0:
                cuts.append(i + 1)
        elif ch in _OPEN:
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                break
    balanced = depth == 0
    if not balanced:
        cuts = [i + 1 for i in range(1, len(parts), 2) if parts[i] in _ENDERS]
    out: list[str] = []
    start = 0
    for cut in cuts:
        out.append("".join(parts[start:cut]))
        start = cut
    out.append("".join(parts[start:]))
    return [s for s in map(str.strip, out) if s], balanced


def heading_sentence(text: str) -> tuple[str | None, str]:
    """(heading, rest): the first sentence when it is a heading (≤ 40 characters, no ，；)."""
    heading, rest, _ = _heading_split(text)
    return heading, rest


def _heading_split(text: str) -> tuple[str | None, str, list[str] | None]:
    """``heading_sentence`` and the sentences of the rest when they are known without splitting
    it again: with balanced brackets they are the text's own sentences after the first."""
    sentences, balanced = _split(text)
    if not sentences:
        return None, "", None
    first = sentences[0]
    bare = first.rstrip("。！？!?").strip()
    if bare and len(bare) <= 40 and not _CLAUSE_MARK.search(bare):
        rest = text[text.index(first) + len(first) :].strip()
        return bare, rest, sentences[1:] if balanced else None
    return None, text, sentences


@dataclass
class _Para:
    level: int
    number: int | None
    body: str  # the text after the marker


def _classify(text: str) -> _Para:
    if not opens_like_marker(text):
        return _Para(0, None, text.strip())
    m = MARKER.match(text)
    if m and m.lastindex:
        return _Para(m.lastindex, cn_to_int(m.group(m.lastindex)), text[m.end() :].strip())
    return _Para(0, None, text.strip())


@dataclass
class _Builder:
    year: int | None
    tasks: list[TaskParse] = field(default_factory=list)
    chapter: str | None = None
    task: TaskParse | None = None
    topic: str | None = None

    def new_task(self, number: int | None, title: str | None, chapter: str | None) -> None:
        self.task = TaskParse(
            number=str(number) if number is not None else None, chapter=chapter, title=title
        )
        self.tasks.append(self.task)
        self.topic = None

    def add_text(self, text: str, topic: str | None, sentences: list[str] | None = None) -> None:
        """``sentences``: those of ``text``, when the caller has them already."""
        if not text.strip():
            return
        if self.task is None:
            self.new_task(None, None, self.chapter)
        assert self.task is not None
        label = LABEL.match(text)
        if label and not marker_level(text):
            topic = label.group(1)
            text = text[label.end() :]
            sentences = None
        closing = trailing_unit_list(text)
        if closing is not None:  # a passage with its units in a closing parenthesis
            passage, units = closing
            if len(passage) > 2:
                self.task.measures.append(self._measure(passage, topic, units))
            return
        if sentences is None:
            sentences = split_sentences(text)
        measures = self.task.measures
        year = self.year
        for sentence in sentences:
            # Two characters or fewer that are not punctuation: a fragment of a lost heading.
            if _THREE_WORD_CHARACTERS.search(sentence):
                measures.append(
                    MeasureParse(
                        sentence, topic, [], recurrence_of(sentence), deadline_of(sentence, year)
                    )
                )

    def _measure(self, text: str, topic: str | None, units: list | None = None) -> MeasureParse:
        return MeasureParse(
            text=text,
            topic=topic,
            units=units or [],
            recurrence=recurrence_of(text),
            due=deadline_of(text, self.year),
        )


def _chapter_text(body: str) -> tuple[str, str]:
    """A chapter heading and any text after it in the same paragraph."""
    heading, rest, sentences = _heading_split(body)
    if heading is not None:
        return heading, rest
    if sentences is None:
        sentences = split_sentences(body)
    if len(sentences) <= 1:
        return body.rstrip("。"), ""
    return sentences[0].rstrip("。"), body[len(sentences[0]) :].strip()


def build_prose_tasks(paragraphs: list[str], year: int | None) -> list[TaskParse]:
    paras = [_classify(p) for p in paragraphs]
    levels = {p.level for p in paras}
    chapter_paras = [p for p in paras if p.level == 1]
    chapter_texts = {id(p): _chapter_text(p.body) for p in chapter_paras}
    # Chapters carry the text themselves when their headings run into it ("一、快速抓好问题整改。
    # 对……"), or when, with no lower level, every heading is a sentence of its own ending in 。
    # (GB/T 9704 chapter headings that introduce sub-items carry no full stop).
    chapters_inline = any(rest for _, rest in chapter_texts.values()) or (
        bool(chapter_paras)
        and not levels & {2, 3}
        and all(p.body.rstrip().endswith("。") for p in chapter_paras)
    )
    if 2 in levels:
        task_level = 2
    elif 1 in levels and chapters_inline:
        task_level = 1
    elif 3 in levels:
        task_level = 3
    elif 4 in levels:
        task_level = 4
    else:
        task_level = 0  # every paragraph is a task
    b = _Builder(year)
    for p in paras:
        if p.level == 0 and _CONTACT.match(p.body):
            continue
        if p.level == 1 and task_level != 1:
            heading, rest = chapter_texts[id(p)]
            b.chapter = heading or None
            b.task = None
            b.topic = None
            if rest:
                b.add_text(rest, None)
            continue
        if p.level == task_level and task_level:
            heading, rest, sentences = _heading_split(p.body)
            chapter = None if task_level == 1 else b.chapter
            b.new_task(p.number, heading, chapter)
            b.add_text(rest, None, sentences)
            continue
        if p.level in (3, 4) and p.level > task_level:
            heading, rest, sentences = _heading_split(p.body)
            b.topic = heading
            b.add_text(rest, heading, sentences)
            continue
        if task_level == 0:
            b.new_task(None, None, b.chapter)
            b.add_text(p.body, None)
            continue
        b.add_text(p.body, b.topic)
    return [t for t in b.tasks if t.measures]
