"""A workbook with a marker planted in every kind of part a workbook can hold, for the privacy tests of
what leaves the firm (the share copy): a copy must carry none of the markers unless asked for.

Each marker is ``SECRET-<KIND>``; :data:`KINDS` lists them. The figures stay current (the planted
formula keeps its cached value), so ``share`` accepts the book.
"""

from __future__ import annotations

import re
import struct

from hipaa_xl.ooxml.package import package_from_bytes

M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X = "application/vnd.openxmlformats-officedocument.spreadsheetml."
REQUIREMENTS_PART = "xl/worksheets/sheet8.xml"
"""The example's Requirements sheet (a user sheet of the firm's)."""

KINDS = (
    "HIDDEN-SHEET", "VERYHIDDEN-SHEET", "SHEETNAME", "HIDDEN-ROW", "HIDDEN-COL", "COMMENT", "COMMENT-AUTHOR",
    "THREADED-COMMENT", "PERSON", "CORE-TITLE", "CORE-SUBJECT", "CORE-DESCRIPTION", "CORE-KEYWORDS",
    "CORE-CATEGORY", "CORE-STATUS", "CORE-IDENTIFIER", "CORE-VERSION", "CORE-CREATOR", "CORE-LASTMODIFIEDBY",
    "APP-TEMPLATE", "APP-TITLESOFPARTS", "APP-COMPANY", "APP-MANAGER", "APP-HYPERLINKBASE", "CUSTOM-PROPERTY",
    "CUSTOMXML", "NAME-CONSTANT", "NAME-COMMENT", "HIDDEN-NAME", "PIVOT-FIELD", "PIVOT-RECORD",
    "EXTERNAL-LINK", "DV-LIST", "DV-PROMPT", "DV-ERROR", "EXIF-ARTIST", "ALTTEXT", "PRINTER", "CALCCHAIN",
    "UNUSED-SST", "REV-USER", "REV-OLD-VALUE", "VBA", "LITE-CODE", "CONN-PASSWORD", "ABSPATH", "FILESHARING-USER",
    "TENANT-GUID", "HLINK-PATH", "HLINK-TOOLTIP", "CHART-CACHE", "HEADER", "STYLE-NAME", "THEME-NAME",
    "SHEET-EXT", "FORMULA-TEXT", "PHONETIC",
)


def _secret(kind: str) -> str:
    return f"SECRET-{kind}"


def plant_everything(data: bytes) -> bytes:
    """``data`` (a current workbook) with every marker of :data:`KINDS` planted in its own kind of part."""
    pkg = package_from_bytes(data)
    p = {name: pkg[name].decode("utf-8") for name in pkg if not name.endswith((".bin", ".jpeg"))}
    binary: dict[str, bytes] = {}
    n = [900]

    def rel(rels: str, typ: str, target: str, external: bool = False) -> str:
        n[0] += 1
        mode = ' TargetMode="External"' if external else ""
        if rels not in p:
            p[rels] = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        p[rels] = p[rels].replace("</Relationships>", f'<Relationship Id="rId{n[0]}" Type="{typ}" Target="{target}"'
                                                      f'{mode}/></Relationships>')
        return f"rId{n[0]}"

    def override(part: str, kind: str) -> None:
        p["[Content_Types].xml"] = p["[Content_Types].xml"].replace(
            "</Types>", f'<Override PartName="/{part}" ContentType="{kind}"/></Types>')

    wb_rels = "xl/_rels/workbook.xml.rels"
    req_rels = "xl/worksheets/_rels/sheet8.xml.rels"
    # hidden and very hidden sheets (one named by a marker)
    for name, state, kind in (("Hidden", "hidden", "HIDDEN-SHEET"), (_secret("SHEETNAME"), "veryHidden",
                                                                     "VERYHIDDEN-SHEET")):
        part = f"xl/worksheets/extra{state}.xml"
        p[part] = (f'<worksheet xmlns="{M}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{_secret(kind)}</t>'
                   f'</is></c><c r="B1"><v>424242</v></c></row></sheetData></worksheet>')
        override(part, X + "worksheet+xml")
        rid = rel(wb_rels, f"{R}/worksheet", f"worksheets/extra{state}.xml")
        p["xl/workbook.xml"] = p["xl/workbook.xml"].replace(
            "</sheets>", f'<sheet xmlns:r="{R}" name="{name}" sheetId="{n[0]}" state="{state}" r:id="{rid}"/></sheets>')
    # the Requirements sheet: a hidden row, a hidden column, a formula's text, validation, hyperlinks, comments
    sheet = p[REQUIREMENTS_PART]
    sheet = sheet.replace("</sheetData>", (
        f'<row r="300" hidden="1"><c r="A300" t="inlineStr"><is><t>{_secret("HIDDEN-ROW")}</t></is></c></row>'
        f'<row r="301"><c r="A301"><f>IF(FALSE,"{_secret("FORMULA-TEXT")}",1)</f><v>1</v></c>'
        f'<c r="Z301" t="inlineStr"><is><t>{_secret("HIDDEN-COL")}</t></is></c>'
        f'<c r="B301" t="inlineStr"><is><t>Kanji</t><rPh sb="0" eb="1"><t>{_secret("PHONETIC")}</t></rPh></is></c>'
        "</row></sheetData>"))
    if "<cols>" in sheet:
        sheet = sheet.replace("</cols>", '<col min="26" max="26" width="9" hidden="1" customWidth="1"/></cols>')
    else:
        sheet = sheet.replace("<sheetData>", '<cols><col min="26" max="26" width="9" hidden="1" customWidth="1"/></cols>'
                                             "<sheetData>")
    hl = rel(req_rels, f"{R}/hyperlink", f"file:///C:/Users/jdoe/{_secret('HLINK-PATH')}.docx", external=True)
    printer = rel(req_rels, f"{R}/printerSettings", "../printerSettings/printerSettings1.bin")
    binary["xl/printerSettings/printerSettings1.bin"] = _secret("PRINTER").encode() + b"\0" * 20
    after_margins = (
        f'<dataValidations count="1"><dataValidation type="list" showInputMessage="1" showErrorMessage="1" '
        f'promptTitle="t" prompt="{_secret("DV-PROMPT")}" error="{_secret("DV-ERROR")}" sqref="C302">'
        f'<formula1>"{_secret("DV-LIST")},b"</formula1></dataValidation></dataValidations>'
        f'<hyperlinks><hyperlink xmlns:r="{R}" ref="A2" r:id="{hl}" tooltip="{_secret("HLINK-TOOLTIP")}"/></hyperlinks>')
    sheet = re.sub(r"(<printOptions|<pageMargins)", after_margins.replace("\\", "\\\\") + r"\1", sheet, count=1)
    sheet = re.sub(r"<pageSetup([^>]*)/>", rf'<pageSetup\1 xmlns:r="{R}" r:id="{printer}"/>', sheet, count=1)
    sheet = re.sub(r"<oddHeader>[^<]*</oddHeader>", f"<oddHeader>&amp;L{_secret('HEADER')}</oddHeader>", sheet)
    sheet = sheet.replace("</worksheet>", (
        f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}"><x14:dataValidations xmlns:x14="http://schemas.'
        f'microsoft.com/office/spreadsheetml/2009/9/main" count="1"><x14:dataValidation><x14:formula1><xm:f '
        f'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">{_secret("SHEET-EXT")}</xm:f>'
        f"</x14:formula1></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>"))
    # a note and a threaded comment, with its person
    rel(req_rels, f"{R}/comments", "../comments9.xml")
    p["xl/comments9.xml"] = (f'<comments xmlns="{M}"><authors><author>{_secret("COMMENT-AUTHOR")}</author></authors>'
                             f'<commentList><comment ref="A5" authorId="0"><text><t>{_secret("COMMENT")}</t></text>'
                             "</comment></commentList></comments>")
    override("xl/comments9.xml", X + "comments+xml")
    rel(req_rels, "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
        "../threadedComments/threadedComment9.xml")
    p["xl/threadedComments/threadedComment9.xml"] = (
        '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
        f'<threadedComment ref="A5" id="{{00000000-0000-0000-0000-000000000001}}" personId="{{1}}"><text>'
        f'{_secret("THREADED-COMMENT")}</text></threadedComment></ThreadedComments>')
    override("xl/threadedComments/threadedComment9.xml", "application/vnd.ms-excel.threadedcomments+xml")
    rel(wb_rels, "http://schemas.microsoft.com/office/2017/10/relationships/person", "persons/person.xml")
    p["xl/persons/person.xml"] = (
        '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
        f'<person displayName="{_secret("PERSON")}" id="{{1}}" userId="x" providerId="None"/></personList>')
    override("xl/persons/person.xml", "application/vnd.ms-excel.person+xml")
    # a picture with EXIF and alternative text, and a chart whose cache holds hidden data
    binary["xl/media/image9.jpeg"] = _jpeg_with_exif(_secret("EXIF-ARTIST"))
    p["[Content_Types].xml"] = p["[Content_Types].xml"].replace(
        "</Types>", '<Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="bin" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"/></Types>')
    drid = rel(req_rels, f"{R}/drawing", "../drawings/drawing9.xml")
    d_rels = "xl/drawings/_rels/drawing9.xml.rels"
    img = rel(d_rels, f"{R}/image", "../media/image9.jpeg")
    chart = rel(d_rels, f"{R}/chart", "../charts/chart9.xml")
    anchor = ('<xdr:twoCellAnchor><xdr:from><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>'
              '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>9</xdr:col><xdr:colOff>0</xdr:colOff>'
              '<xdr:row>9</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>{}<xdr:clientData/></xdr:twoCellAnchor>')
    pic = (f'<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="3" name="Picture" descr="{_secret("ALTTEXT")}"/><xdr:cNvPicPr/>'
           f'</xdr:nvPicPr><xdr:blipFill><a:blip r:embed="{img}"/></xdr:blipFill><xdr:spPr/></xdr:pic>')
    frame = ('<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="4" name="c"/><xdr:cNvGraphicFramePr/>'
             '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
             '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://'
             f'schemas.openxmlformats.org/drawingml/2006/chart" r:id="{chart}"/></a:graphicData></a:graphic>'
             "</xdr:graphicFrame>")
    p["xl/drawings/drawing9.xml"] = (
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="{R}">'
        + anchor.format(pic) + anchor.format(frame) + "</xdr:wsDr>")
    override("xl/drawings/drawing9.xml", "application/vnd.openxmlformats-officedocument.drawing+xml")
    p["xl/charts/chart9.xml"] = (
        '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart><c:plotArea>'
        '<c:barChart><c:ser><c:idx val="0"/><c:order val="0"/><c:cat><c:strRef><c:f>Hidden!$A$1</c:f><c:strCache>'
        f'<c:ptCount val="1"/><c:pt idx="0"><c:v>{_secret("CHART-CACHE")}</c:v></c:pt></c:strCache></c:strRef>'
        '</c:cat><c:val><c:numRef><c:f>Hidden!$B$1</c:f><c:numCache><c:ptCount val="1"/><c:pt idx="0"><c:v>424242'
        "</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>")
    override("xl/charts/chart9.xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml")
    sheet = sheet.replace("</worksheet>", "").replace("<extLst>", f'<drawing xmlns:r="{R}" r:id="{drid}"/><extLst>')
    p[REQUIREMENTS_PART] = sheet + "</worksheet>"
    # document properties, every field
    core_fields = {"dc:title": "CORE-TITLE", "dc:subject": "CORE-SUBJECT", "dc:description": "CORE-DESCRIPTION",
                   "cp:keywords": "CORE-KEYWORDS", "cp:category": "CORE-CATEGORY", "cp:contentStatus": "CORE-STATUS",
                   "dc:identifier": "CORE-IDENTIFIER", "cp:version": "CORE-VERSION", "dc:creator": "CORE-CREATOR",
                   "cp:lastModifiedBy": "CORE-LASTMODIFIEDBY"}
    p["docProps/core.xml"] = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        + "".join(f"<{tag}>{_secret(kind)}</{tag}>" for tag, kind in core_fields.items()) + "</cp:coreProperties>")
    p["docProps/app.xml"] = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f'<Template>C:\\Users\\jdoe\\{_secret("APP-TEMPLATE")}.xltx</Template><Company>{_secret("APP-COMPANY")}'
        f'</Company><Manager>{_secret("APP-MANAGER")}</Manager><HyperlinkBase>{_secret("APP-HYPERLINKBASE")}'
        '</HyperlinkBase><TitlesOfParts><vt:vector size="1" baseType="lpstr"><vt:lpstr>'
        f'{_secret("APP-TITLESOFPARTS")}</vt:lpstr></vt:vector></TitlesOfParts></Properties>')
    p["docProps/custom.xml"] = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property '
        'fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Client code"><vt:lpwstr>'
        f'{_secret("CUSTOM-PROPERTY")}</vt:lpwstr></property></Properties>')
    override("docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml")
    rel("_rels/.rels", f"{R}/custom-properties", "docProps/custom.xml")
    p["docMetadata/LabelInfo.xml"] = (
        '<clbl:labelList xmlns:clbl="http://schemas.microsoft.com/office/2020/mipLabelMetadata"><clbl:label '
        f'id="{{1}}" enabled="1" method="Standard" siteId="{{{_secret("TENANT-GUID")}}}" removed="0"/></clbl:labelList>')
    override("docMetadata/LabelInfo.xml", "application/vnd.ms-office.classificationlabels+xml")
    rel("_rels/.rels", "http://schemas.microsoft.com/office/2020/02/relationships/classificationlabels",
        "docMetadata/LabelInfo.xml")
    p["customXml/item1.xml"] = f"<matter>{_secret('CUSTOMXML')}</matter>"
    rel(wb_rels, f"{R}/customXml", "../customXml/item1.xml")
    # defined names, pivot caches, external links, connections, revisions, calcChain, VBA, the Lite binding
    wb = p["xl/workbook.xml"]
    wb = wb.replace("</definedNames>", (
        f'<definedName name="ToHidden">Hidden!$A$1</definedName><definedName name="Const">"{_secret("NAME-CONSTANT")}"'
        f'</definedName><definedName name="Commented" comment="{_secret("NAME-COMMENT")}">Settings!$B$4</definedName>'
        f'<definedName name="{_secret("HIDDEN-NAME").replace("-", "_")}" hidden="1">Settings!$B$4</definedName>'
        "</definedNames>"))
    wb = wb.replace("<workbookPr/>", (
        f'<fileSharing userName="{_secret("FILESHARING-USER")}"/><workbookPr/><mc:AlternateContent xmlns:mc="http://'
        'schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath xmlns:x15ac='
        '"http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" '
        f'url="C:\\Users\\jdoe\\{_secret("ABSPATH")}\\"/></mc:Choice></mc:AlternateContent>'))
    pivot = rel(wb_rels, f"{R}/pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml")
    wb = wb.replace("</workbook>", f'<pivotCaches><pivotCache xmlns:r="{R}" cacheId="1" r:id="{pivot}"/></pivotCaches>'
                                   "</workbook>")
    p["xl/workbook.xml"] = wb
    p["xl/pivotCache/pivotCacheDefinition1.xml"] = (
        f'<pivotCacheDefinition xmlns="{M}" xmlns:r="{R}" r:id="rId1" recordCount="1"><cacheSource type="worksheet">'
        '<worksheetSource ref="A1:A1" sheet="Hidden"/></cacheSource><cacheFields count="1"><cacheField '
        f'name="{_secret("PIVOT-FIELD")}" numFmtId="0"><sharedItems/></cacheField></cacheFields></pivotCacheDefinition>')
    override("xl/pivotCache/pivotCacheDefinition1.xml", X + "pivotCacheDefinition+xml")
    p["xl/pivotCache/pivotCacheRecords1.xml"] = (f'<pivotCacheRecords xmlns="{M}" count="1"><r><s v="'
                                                 f'{_secret("PIVOT-RECORD")}"/></r></pivotCacheRecords>')
    override("xl/pivotCache/pivotCacheRecords1.xml", X + "pivotCacheRecords+xml")
    rel("xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels", f"{R}/pivotCacheRecords", "pivotCacheRecords1.xml")
    rel(wb_rels, f"{R}/externalLink", "externalLinks/externalLink1.xml")
    p["xl/externalLinks/externalLink1.xml"] = (f'<externalLink xmlns="{M}"><externalBook><sheetNames><sheetName '
                                               f'val="{_secret("EXTERNAL-LINK")}"/></sheetNames></externalBook>'
                                               "</externalLink>")
    override("xl/externalLinks/externalLink1.xml", X + "externalLink+xml")
    rel(wb_rels, f"{R}/connections", "connections.xml")
    p["xl/connections.xml"] = (f'<connections xmlns="{M}"><connection id="1" name="db" type="1"><dbPr connection="DSN=x;'
                               f'PWD={_secret("CONN-PASSWORD")};" command="q"/></connection></connections>')
    override("xl/connections.xml", X + "connections+xml")
    rel(wb_rels, f"{R}/revisionHeaders", "revisions/revisionHeaders.xml")
    p["xl/revisions/revisionHeaders.xml"] = (
        f'<headers xmlns="{M}" xmlns:r="{R}" guid="{{1}}"><header guid="{{2}}" dateTime="2026-01-01T00:00:00" '
        f'maxSheetId="9" userName="{_secret("REV-USER")}" r:id="rId1"><sheetIdMap count="0"/></header></headers>')
    p["xl/revisions/revisionLog1.xml"] = (f'<revisions xmlns="{M}"><rcc rId="1" sId="1"><oc r="D5" t="inlineStr"><is>'
                                          f'<t>{_secret("REV-OLD-VALUE")}</t></is></oc></rcc></revisions>')
    rel("xl/revisions/_rels/revisionHeaders.xml.rels", f"{R}/revisionLog", "revisionLog1.xml")
    override("xl/revisions/revisionHeaders.xml", X + "revisionHeaders+xml")
    override("xl/revisions/revisionLog1.xml", X + "revisionLog+xml")
    rel(wb_rels, f"{R}/calcChain", "calcChain.xml")
    p["xl/calcChain.xml"] = f'<calcChain xmlns="{M}"><c r="A1" i="1"/><!-- {_secret("CALCCHAIN")} --></calcChain>'
    override("xl/calcChain.xml", X + "calcChain+xml")
    rel(wb_rels, "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin")
    binary["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + _secret("VBA").encode()
    rel("_rels/.rels", "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes",
        "xl/webextensions/taskpanes.xml")
    p["xl/webextensions/taskpanes.xml"] = (
        '<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11" '
        f'xmlns:r="{R}"><wetp:taskpane dockstate="right" visibility="1" width="350" row="2"><wetp:webextensionref '
        'r:id="rId1"/></wetp:taskpane></wetp:taskpanes>')
    rel("xl/webextensions/_rels/taskpanes.xml.rels", "http://schemas.microsoft.com/office/2011/relationships/"
                                                      "webextension", "webextension1.xml")
    p["xl/webextensions/webextension1.xml"] = (
        '<we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11" id="{1}">'
        '<we:reference id="wa200008175" version="1.0.0.0" store="en-US" storeType="OMEX"/><we:properties>'
        f'<we:property name="main.py" value="&quot;{_secret("LITE-CODE")}&quot;"/></we:properties></we:webextension>')
    # shared strings: one no cell uses; a style and the theme named by markers
    sst_part = "xl/sharedStrings.xml"
    if sst_part in p:
        p[sst_part] = p[sst_part].replace("</sst>", f"<si><t>{_secret('UNUSED-SST')}</t></si></sst>")
    else:
        p[sst_part] = f'<sst xmlns="{M}" count="0" uniqueCount="1"><si><t>{_secret("UNUSED-SST")}</t></si></sst>'
        override(sst_part, X + "sharedStrings+xml")
        rel(wb_rels, f"{R}/sharedStrings", "sharedStrings.xml")
    styles = p["xl/styles.xml"]
    p["xl/styles.xml"] = re.sub(r'(<cellStyle [^>]*name=")[^"]*(")', rf"\g<1>{_secret('STYLE-NAME')}\2", styles,
                                count=1) if "<cellStyle " in styles else styles
    if "<cellStyle " not in styles:
        p["xl/styles.xml"] = styles.replace(
            "</styleSheet>", f'<cellStyles count="1"><cellStyle name="{_secret("STYLE-NAME")}" xfId="0"/></cellStyles>'
                             "</styleSheet>")
    p["xl/theme/theme1.xml"] = re.sub(r'(<a:theme [^>]*name=")[^"]*(")', rf"\g<1>{_secret('THEME-NAME')}\2",
                                      p["xl/theme/theme1.xml"], count=1)
    out = {name: text.encode("utf-8") for name, text in p.items()}
    out.update(binary)
    for name in pkg:
        out.setdefault(name, pkg[name])
    from hipaa_xl.ooxml.package import Package

    return Package.from_parts(out).to_bytes()


def _jpeg_with_exif(artist: str) -> bytes:
    """A tiny JPEG whose EXIF (APP1) segment names an artist."""
    exif = b"Exif\0\0" + b"MM\0*\0\0\0\x08" + artist.encode()
    return b"\xff\xd8" + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + b"\xff\xd9"


def survivors(parts: dict[str, bytes], kinds: tuple[str, ...] = KINDS) -> dict[str, list[str]]:
    """Marker kind -> the parts of a package (unpacked) that still carry it."""
    found: dict[str, list[str]] = {}
    for kind in kinds:
        needle = _secret(kind).encode()
        alt = _secret(kind).replace("-", "_").encode()
        where = [name for name, data in parts.items() if needle in data or alt in data]
        if where:
            found[kind] = where
    return found
