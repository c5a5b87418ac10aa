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

from importers.lines import CHAPTER, ITEM, LABEL, SUB, SUBSUB, marker_level
from importers.parse import MeasureParse, TaskParse
from importers.schedule import deadline_of, recurrence_of
from importers.textutil import cn_to_int
from importers.units import trailing_unit_list

_OPEN = "“‘《（(【「『〔["
_CLOSE = "”’》）)】」』〕]"
_ENDERS = "。！？!?"
_BRACKETS = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]")
_MARKS = re.compile("[" + re.escape(_OPEN + _CLOSE + _ENDERS) + "]")


# Contact details under the body ("联系人：张三", "24小时值班电话：……") are not measures.
_CONTACT = re.compile(
    r"^[^，。]{0,12}(联系人|联系电话|值班电话|联系方式|电话|传真|邮箱|电子邮箱)\s*[:：]"
)


def split_sentences(text: str) -> list[str]:
    """Split after 。！？ outside quotes and brackets, keeping each sentence's own text."""
    out: list[str] = []
    depth = 0
    start = 0
    balanced = _balanced(text)
    # Only the marks matter: visiting them alone keeps long paragraphs cheap.
    for m in _MARKS.finditer(text):
        ch = m.group()
        if balanced and ch in _OPEN:
            depth += 1
        elif balanced and ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _ENDERS and depth == 0:
            out.append(text[start : m.end()])
            start = m.end()
    if text[start:].strip():
        out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def _balanced(text: str) -> bool:
    """Unbalanced brackets (a quote broken by extraction) would swallow every split after them."""
    depth = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in _OPEN:
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def heading_sentence(text: str) -> tuple[str | None, str]:
    """(heading, rest): the first sentence when it is a heading (≤ 40 characters, no ，；)."""
    sentences = split_sentences(text)
    if not sentences:
        return None, ""
    first = sentences[0]
    bare = first.rstrip("。！？!?").strip()
    if bare and len(bare) <= 40 and not re.search(r"[，,；;]", bare):
        return bare, text[text.index(first) + len(first) :].strip()
    return None, text


@dataclass
class _Para:
    level: int
    number: int | None
    body: str  # the text after the marker


def _classify(text: str) -> _Para:
    for level, pattern in ((1, CHAPTER), (2, ITEM), (3, SUB), (4, SUBSUB)):
        m = pattern.match(text)
        if m:
            return _Para(level, cn_to_int(m.group(1)), text[m.end() :].strip())
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

    def add_text(self, text: str, topic: str | None) -> None:
        if not text.strip():
            return
        if self.task is None:
            self.new_task(None, None, self.chapter)
        assert self.task is not None
        label = LABEL.match(text)
        if label and not marker_level(text):
            topic = label.group(1)
            text = text[label.end() :]
        closing = trailing_unit_list(text)
        if closing is not None:  # a passage with its units in a closing parenthesis
            passage, units = closing
            if len(passage) > 2:
                self.task.measures.append(self._measure(passage, topic, units))
            return
        for sentence in split_sentences(text):
            if len(re.sub(r"[\s\W]", "", sentence)) <= 2:
                continue  # a fragment of a lost heading, not a measure
            self.task.measures.append(self._measure(sentence, topic))

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
    heading, rest = heading_sentence(body)
    if heading is not None:
        return heading, rest
    sentences = split_sentences(body)
    if len(sentences) <= 1:
        return body.rstrip("。"), ""
    return sentences[0].rstrip("。"), body[len(sentences[0]) :].strip()


def build_prose_tasks(paragraphs: list[str], year: int | None) -> list[TaskParse]:
    paras = [_classify(p) for p in paragraphs]
    levels = {p.level for p in paras}
    chapter_paras = [p for p in paras if p.level == 1]
    # Chapters carry the text themselves when their headings run into it ("一、快速抓好问题整改。
    # 对……"), or when, with no lower level, every heading is a sentence of its own ending in 。
    # (GB/T 9704 chapter headings that introduce sub-items carry no full stop).
    chapters_inline = any(_chapter_text(p.body)[1] for p in chapter_paras) or (
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
            b.chapter = _chapter_text(p.body)[0] or None
            b.task = None
            b.topic = None
            if _chapter_text(p.body)[1]:
                b.add_text(_chapter_text(p.body)[1], None)
            continue
        if p.level == task_level and task_level:
            heading, rest = heading_sentence(p.body)
            chapter = None if task_level == 1 else b.chapter
            b.new_task(p.number, heading, chapter)
            b.add_text(rest, None)
            continue
        if p.level in (3, 4) and p.level > task_level:
            heading, rest = heading_sentence(p.body)
            b.topic = heading
            if heading is None:
                b.add_text(p.body, None)
            else:
                b.add_text(rest, heading)
            continue
        if task_level == 0:
            b.new_task(None, None, b.chapter)
            b.add_text(p.body, None)
            continue
        b.add_text(p.body, b.topic)
    return [t for t in b.tasks if t.measures]
