"""Small inputs built in code for the reader tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "notices"


def docx_bytes(document) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replace_zip_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same package with one member's content replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


# An "XML Spreadsheet 2003" file, as office systems export it under an .xls name.
SPREADSHEET_ML = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:x="urn:schemas-microsoft-com:office:excel"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="分工">
  <Table>
   <Row><Cell ss:MergeAcross="3"><Data ss:Type="String">某县2024年重点任务分工</Data></Cell></Row>
   <Row><Cell><Data ss:Type="String">序号</Data></Cell><Cell><Data ss:Type="String">任务</Data></Cell>
    <Cell><Data ss:Type="String">主要内容</Data></Cell><Cell><Data ss:Type="String">完成时限</Data></Cell></Row>
   <Row><Cell ss:MergeDown="1"><Data ss:Type="Number">1</Data></Cell>
    <Cell ss:MergeDown="1"><Data ss:Type="String">压实责任</Data></Cell>
    <Cell><Data ss:Type="String">每月开会。</Data></Cell>
    <Cell><Data ss:Type="DateTime">2024-12-31T00:00:00.000</Data></Cell></Row>
   <Row><Cell ss:Index="3"><Data ss:Type="String">每季度检查。</Data></Cell>
    <Cell><Data ss:Type="DateTime">2024-06-30T00:00:00.000</Data></Cell></Row>
  </Table>
 </Worksheet>
 <Worksheet ss:Name="隐藏">
  <Table><Row><Cell><Data ss:Type="String">不应读取</Data></Cell></Row></Table>
  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible></WorksheetOptions>
 </Worksheet>
</Workbook>
"""
