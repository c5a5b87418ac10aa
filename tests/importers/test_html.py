import base64

import pytest

from importers.document import Paragraph, Table
from importers.parse import NoticeImportError
from importers.readers.html import read_html

BODY = """
<p style="text-indent:2em">各乡镇人民政府，县直各有关单位：</p>
<p style="text-indent:2em">2024年，全县安全生产工作以习近平新时代中国特色社会主义思想为指导，坚持人民至上、生命至上。</p>
<p style="text-indent:2em">一、压实安全生产责任</p>
<p style="text-indent:2em">（一）压实党政领导责任。县安委会每季度召开一次全体会议，分析安全形势，解决突出问题。</p>
<p style="text-indent:2em">（二）压实部门监管责任。按照“三管三必须”要求，厘清部门安全监管职责。</p>
<p style="text-indent:2em">某县人民政府</p>
<p style="text-indent:2em">2024年2月18日</p>
"""


def _page(body: str = BODY, charset: str = "utf-8", extra_head: str = "") -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>某县人民政府关于做好2024年安全生产工作的通知_政府文件</title>
<style>.top {{ color: red }}</style>{extra_head}
<script>var tracker = "当前位置 should never be read";</script></head>
<body>
<div class="top"><a href="#">中国政府网</a> | <a href="#">省政府</a> | <a href="#">市政府</a></div>
<ul class="nav"><li><a href="#">首页</a></li><li><a href="#">政务公开</a></li><li><a href="#">办事服务</a></li></ul>
<div class="crumb">当前位置：<a href="#">首页</a> &gt; <a href="#">政务公开</a> &gt; <a href="#">政府文件</a></div>
<div class="tools">字体大小：【<a href="#">大</a>】【<a href="#">中</a>】【<a href="#">小</a>】 <a href="#">打印本页</a> <a href="#">关闭窗口</a></div>
<table class="meta">
<tr><th>索引号</th><td>01236931-5/2024-00001</td><th>主题分类</th><td>安全生产监管</td></tr>
<tr><th>发文字号</th><td>某政发〔2024〕1号</td><th>发文时间</th><td>2024-02-18</td></tr>
<tr><th>发文机关</th><td>某县人民政府</td><th>成文日期</th><td>2024-02-18</td></tr>
<tr><th>标题</th><td colspan="3">某县人民政府关于做好2024年安全生产工作的通知</td></tr>
</table>
<h1>某县人民政府关于做好2024年安全生产工作的通知</h1>
<div class="jd">图文解读：<a href="#">《某县人民政府关于做好2024年安全生产工作的通知》</a></div>
<div class="TRS_Editor" id="zoom">{body}</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="related"><h3>相关文章</h3><ul><li><a href="#">关于做好2023年安全生产工作的通知</a></li>
<li><a href="#">关于开展安全生产大检查的通知</a></li></ul></div>
<div class="footer"><p>主办：某县人民政府办公室</p><p>网站标识码：1400000001</p><p>晋ICP备00000000号</p></div>
</body></html>"""


def _texts(blocks) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.text for b in blocks if isinstance(b, Paragraph)]


def test_only_the_article_body_is_kept_from_a_government_page():
    texts = _texts(read_html(_page().encode()).blocks)
    assert texts == [
        "某县人民政府关于做好2024年安全生产工作的通知",
        "各乡镇人民政府，县直各有关单位：",
        "2024年，全县安全生产工作以习近平新时代中国特色社会主义思想为指导，坚持人民至上、生命至上。",
        "一、压实安全生产责任",
        "（一）压实党政领导责任。县安委会每季度召开一次全体会议，分析安全形势，解决突出问题。",
        "（二）压实部门监管责任。按照“三管三必须”要求，厘清部门安全监管职责。",
        "某县人民政府",
        "2024年2月18日",
    ]


def test_page_chrome_never_reaches_the_blocks():
    joined = "".join(_texts(read_html(_page().encode()).blocks))
    for chrome in (
        "当前位置",
        "字体大小",
        "打印本页",
        "关闭窗口",
        "中国政府网",
        "网站标识码",
        "分享到",
        "相关文章",
        "索引号",
        "图文解读",
    ):
        assert chrome not in joined


def test_metadata_table_goes_into_meta_under_its_labels():
    meta = read_html(_page().encode()).meta
    assert meta["索引号"] == "01236931-5/2024-00001"
    assert meta["发文字号"] == "某政发〔2024〕1号"
    assert meta["发文机关"] == "某县人民政府"
    assert meta["发文时间"] == "2024-02-18"
    assert meta["成文日期"] == "2024-02-18"
    assert meta["标题"] == "某县人民政府关于做好2024年安全生产工作的通知"


def test_metadata_written_as_label_and_colon_is_read_too():
    page = _page().replace(
        '<table class="meta">',
        '<ul class="info"><li>索引号：0001/2024-1</li><li>文号：某政办发〔2024〕3号</li>'
        "<li>成文日期：2024年03月01日</li></ul><table>",
    )
    page = page.replace("<th>发文字号</th><td>某政发〔2024〕1号</td>", "")
    meta = read_html(page.encode()).meta
    assert meta["文号"] == "某政办发〔2024〕3号"
    assert meta["发文字号"] == "某政办发〔2024〕3号"


def test_gbk_page_declared_in_a_meta_tag_is_decoded():
    page = _page(charset="gb2312")
    document = read_html(page.encode("gbk"))
    assert (
        "（一）压实党政领导责任。县安委会每季度召开一次全体会议，分析安全形势，解决突出问题。"
        in _texts(document.blocks)
    )


def test_undeclared_gbk_page_is_decoded_from_its_content():
    page = _page().replace('<meta charset="utf-8">', "")
    document = read_html(page.encode("gb18030"))
    assert document.meta["发文机关"] == "某县人民政府"


def test_body_written_with_br_instead_of_paragraphs_splits_on_each_br():
    body = "各乡镇：<br>一、压实安全生产责任<br/>（一）压实党政领导责任。县安委会每季度召开一次全体会议。<br>"
    texts = _texts(read_html(_page(body=body * 3).encode()).blocks)
    assert texts[1:4] == [
        "各乡镇：",
        "一、压实安全生产责任",
        "（一）压实党政领导责任。县安委会每季度召开一次全体会议。",
    ]


def test_table_in_the_body_keeps_its_place_and_spans_are_repeated():
    table = (
        "<table border='1'><tr><td>序号</td><td>任务</td><td>主要内容</td><td>责任单位</td></tr>"
        "<tr><td rowspan='2'>1</td><td rowspan='2'>压实责任</td><td>每月开会。</td><td>县安委办</td></tr>"
        "<tr><td>每季度检查。</td><td>各乡镇</td></tr>"
        "<tr><td colspan='4'>注：按月报送。</td></tr></table>"
    )
    blocks = read_html(_page(body=BODY + table + "<p>附件：责任清单</p>").encode()).blocks
    tables = [b for b in blocks if isinstance(b, Table)]
    assert tables[0].rows == [
        ["序号", "任务", "主要内容", "责任单位"],
        ["1", "压实责任", "每月开会。", "县安委办"],
        ["1", "压实责任", "每季度检查。", "各乡镇"],
    ]
    # The note merged across the last row is text under the table, not a row of it.
    assert _texts(blocks)[-2:] == ["注：按月报送。", "附件：责任清单"]
    assert blocks.index(tables[0]) == len(blocks) - 3


def test_layout_table_around_the_body_is_not_taken_for_a_data_table():
    page = _page(body=f"<table><tr><td>{BODY}</td></tr></table>")
    blocks = read_html(page.encode()).blocks
    assert not any(isinstance(b, Table) for b in blocks)
    assert "一、压实安全生产责任" in _texts(blocks)


def test_headings_inside_the_body_are_marked():
    body = "<h2>一、压实安全生产责任</h2>" + BODY
    blocks = read_html(_page(body=body).encode()).blocks
    assert [
        b.heading for b in blocks if isinstance(b, Paragraph) and b.text == "一、压实安全生产责任"
    ] == [
        True,
        False,
    ]


def test_mht_archive_saved_by_a_browser_is_read():
    html = _page().encode("utf-8")
    mht = (
        b"From: <Saved by Blink>\r\nSubject: notice\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        b"------B\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(html)
        + b"\r\n------B--\r\n"
    )
    document = read_html(mht)
    assert document.meta["发文字号"] == "某政发〔2024〕1号"
    assert "一、压实安全生产责任" in _texts(document.blocks)


@pytest.mark.parametrize(
    "markup",
    [
        b"<html><body><p>\xe5\x90\x84\xe4\xb9\xa1\xe9\x95\x87\xef\xbc\x9a",
        b"<html><<<>>></p></table><div>\xe5\x90\x84\xe4\xb9\xa1\xe9\x95\x87\xef\xbc\x9a</td>",
    ],
)
def test_broken_markup_still_gives_its_text(markup):
    assert "各乡镇：" in _texts(read_html(markup).blocks)


@pytest.mark.parametrize("markup", [b"<html><body>", b"<p>", b"<html><script>x()</script></html>"])
def test_page_without_any_text_is_refused_in_chinese(markup):
    with pytest.raises(NoticeImportError, match="没有找到通知正文"):
        read_html(markup)


def test_source_and_publish_lines_inside_the_article_container_are_dropped():
    body = BODY + "<p>来源：县政府办公室</p><p>发布时间：2024-02-20</p><p>【我要打印】【关闭】</p>"
    texts = _texts(read_html(_page(body=body).encode()).blocks)
    assert texts[-1] == "2024年2月18日"


def test_old_style_page_with_layout_tables_finds_the_body_cell():
    paragraphs = "".join(
        f"<p>{line}</p>"
        for line in ["各乡镇：", "一、压实责任", "（一）每月召开一次会议，研究解决问题。"]
    )
    page = (
        "<html><head><meta charset='utf-8'></head><body><table width='100%'><tr><td>"
        "<table><tr><td><a href='#'>首页</a></td><td><a href='#'>政务公开</a></td></tr></table>"
        f"</td></tr><tr><td class='bt_content'>{paragraphs * 3}</td></tr>"
        "<tr><td>版权所有：某县人民政府</td></tr></table></body></html>"
    )
    blocks = read_html(page.encode()).blocks
    assert not any(isinstance(b, Table) for b in blocks)
    texts = _texts(blocks)
    assert texts[:3] == ["各乡镇：", "一、压实责任", "（一）每月召开一次会议，研究解决问题。"]
    assert not any("首页" in t or "版权所有" in t for t in texts)


def test_html_table_with_absurd_spans_is_refused_not_expanded():
    cells = "".join("<td colspan='100' rowspan='100'>x</td>" for _ in range(5))
    page = f"<html><body><div><p>正文第一段内容在这里。</p><table><tr>{cells}</tr><tr><td>a</td><td>b</td></tr></table></div></body></html>"
    with pytest.raises(NoticeImportError, match="表格过大"):
        read_html(page.encode())


def test_division_table_saved_as_a_web_page_is_one_table_after_its_title():
    rows = "".join(
        f"<tr><td><p><font>{n}</font></p></td><td><p>任务{n}</p></td>"
        f"<td><p><font>每月开展一次</font>检查，\n\t\t<font>24</font>\n\t\t小时值守。</p></td>"
        f"<td><p>县应急局</p></td></tr>"
        for n in range(1, 8)
    )
    page = (
        "<html><head><meta charset='utf-8'></head><body>"
        "<p align='center'><font><b>某县2024年安全生产工作重点任务分工</b></font></p>"
        "<table><tr><td><p>序号</p></td><td><p>任务</p></td><td><p>主要内容</p></td>"
        f"<td><p>责任单位</p></td></tr>{rows}</table></body></html>"
    )
    blocks = read_html(page.encode()).blocks
    assert [type(b) for b in blocks] == [Paragraph, Table]
    assert blocks[0].text == "某县2024年安全生产工作重点任务分工"
    assert blocks[1].rows[0] == ["序号", "任务", "主要内容", "责任单位"]
    assert blocks[1].rows[3] == ["3", "任务3", "每月开展一次检查，24小时值守。", "县应急局"]
    assert len(blocks[1].rows) == 8


def test_line_breaks_of_the_markup_source_do_not_split_chinese_text():
    body = "<p>县安委会每季度召开\n    一次全体会议，\n  分析 2024\n年形势。</p>" * 3
    texts = _texts(read_html(_page(body=body).encode()).blocks)
    assert "县安委会每季度召开一次全体会议，分析 2024年形势。" in texts


def test_site_name_in_h1_and_title_is_not_taken_for_the_notice_title():
    page = _page().replace('<table class="meta">', '<h1>某县人民政府门户网站</h1><table class="x">')
    page = page.replace("<th>标题</th>", "<th>名称说明</th>")
    page = page.replace("<h1>某县人民政府关于做好2024年安全生产工作的通知</h1>", "")
    page = page.replace(
        "<title>某县人民政府关于做好2024年安全生产工作的通知_政府文件</title>",
        "<title>某县人民政府门户网站</title>",
    )
    document = read_html(page.encode())
    assert "标题" not in document.meta
    assert "某县人民政府门户网站" not in _texts(document.blocks)


def test_preformatted_body_keeps_one_paragraph_per_line():
    body = "<pre>各乡镇人民政府：\n    一、压实安全生产责任\n    （一）每月召开一次会议。\n</pre>"
    texts = _texts(read_html(_page(body=body * 2).encode()).blocks)
    assert texts[1:4] == ["各乡镇人民政府：", "一、压实安全生产责任", "（一）每月召开一次会议。"]
