"""decode_html on bytes built here: wrong labels, meta declarations, CJK codecs, BOMs."""

from __future__ import annotations

import codecs

from tidings.extract import decode_html

ZH = (
    "新华社北京4月24日电，习近平主席向首届中国拉美和加勒比国家航天合作论坛致贺信，"
    "在会场内外引发热烈反响。大家表示，贺信阐明了当前建设高水平中拉航天合作伙伴关系的重要意义，"
    "为深入开展航天国际交流合作，不断增进各国人民福祉，促进经济社会发展指明了方向。"
)


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


def test_gbk_labelled_utf8_is_detected() -> None:
    raw = _page(ZH).encode("gbk")
    decoded = decode_html(raw, "utf-8")
    assert decoded.mismatch is True
    assert ZH in decoded.text
    assert decoded.encoding == "gb18030"


def test_gbk_labelled_utf8_with_meta_charset() -> None:
    raw = _page(ZH[:40], '<meta charset="gb2312">').encode("gbk")
    decoded = decode_html(raw, "UTF-8")
    assert decoded.mismatch is True
    assert decoded.encoding == "gb18030"
    assert ZH[:40] in decoded.text


def test_utf8_labelled_latin1_comes_out_as_utf8() -> None:
    text = "Café déjà vu — naïve “quotes” in Zürich"
    decoded = decode_html(_page(text).encode("utf-8"), "ISO-8859-1")
    assert decoded.encoding == "utf-8"
    assert decoded.mismatch is True
    assert text in decoded.text


def test_true_latin1_is_decoded_as_cp1252() -> None:
    text = "Café in Zürich, “quoted”"
    decoded = decode_html(_page(text).encode("cp1252"), "iso-8859-1")
    assert decoded.encoding == "cp1252"
    assert decoded.mismatch is False
    assert text in decoded.text


def test_shift_jis_with_meta_charset() -> None:
    text = "日本語のテキストです。①～髙橋さん"  # ① and 髙 exist only in cp932
    raw = _page(text, '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')
    decoded = decode_html(raw.encode("cp932"))
    assert decoded.encoding == "cp932"
    assert decoded.mismatch is False
    assert text in decoded.text


def test_big5_declared() -> None:
    text = "繁體中文測試，臺灣的新聞報導。"
    decoded = decode_html(_page(text).encode("big5"), "big5")
    assert decoded.encoding == "big5hkscs"
    assert decoded.mismatch is False
    assert text in decoded.text


def test_bom_wins_over_header() -> None:
    text = "Grüße aus Köln"
    decoded = decode_html(codecs.BOM_UTF8 + _page(text).encode("utf-8"), "iso-8859-1")
    assert decoded.encoding == "utf-8"
    assert text in decoded.text
    assert not decoded.text.startswith("\ufeff")
    utf16 = decode_html(codecs.BOM_UTF16_LE + _page(text).encode("utf-16-le"))
    assert text in utf16.text


def test_unknown_label_and_empty() -> None:
    decoded = decode_html(_page("plain ascii").encode(), "x-no-such-charset")
    assert decoded.mismatch is True
    assert "plain ascii" in decoded.text
    assert decode_html(b"").text == ""


def test_undecodable_bytes_never_raise() -> None:
    decoded = decode_html(bytes(range(256)) * 20, "utf-8")
    assert isinstance(decoded.text, str)
