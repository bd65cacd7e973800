"""A minimal text extractor for the PDFs Typst writes (tests only: no PDF library is installed).

Typst writes Type0 fonts with 2-byte glyph ids and a ToUnicode CMap per font. This decodes the
streams, reads each font's CMap, follows `Tf` through the content streams and maps the glyph
ids in `Tj`/`TJ` strings back to text: enough to assert what a reader's copy-and-paste would
give, not a general PDF parser."""

import re
import zlib

OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
STREAM = re.compile(rb"<<(.*)>>\s*stream\r?\n", re.S)
LENGTH = re.compile(rb"/Length (\d+)")


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for number, body in OBJ.findall(pdf):
        match = STREAM.match(body.strip())
        if match is None:
            objects[int(number)] = (body, None)
            continue
        # Slice by /Length: compressed bytes may themselves end in CR or LF, so the data cannot
        # be found by looking for the line break before "endstream".
        (head,) = match.groups()
        length = LENGTH.search(head)
        assert length is not None, "Typst writes a direct /Length on every stream"
        data = body.strip()[match.end() : match.end() + int(length.group(1))]
        for name in re.findall(rb"/(ASCIIHexDecode|FlateDecode)", head):
            if name == b"ASCIIHexDecode":
                data = bytes.fromhex(re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">")[0]).decode())
            else:
                data = zlib.decompress(data)
        objects[int(number)] = (head, data)
    return objects


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes with its escapes (\\ddd octal, \\n, \\(, ...) decoded."""
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x5C and i + 1 < len(raw):
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            nxt = raw[i + 1 : i + 2]
            out.append({b"n": 10, b"r": 13, b"t": 9, b"b": 8, b"f": 12}.get(nxt, nxt[0]))
            i += 2
            continue
        out.append(raw[i])
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """The text layer of a Typst PDF, one text object per line."""
    objects = _objects(pdf)
    fonts: dict[bytes, dict[int, str]] = {}
    for head, _data in objects.values():
        for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", head):
            font_head = objects.get(int(ref), (b"", None))[0]
            unicode_ref = re.search(rb"/ToUnicode\s+(\d+) 0 R", font_head)
            if b"/Type0" in font_head and unicode_ref:
                fonts[name] = _cmap(objects[int(unicode_ref.group(1))][1] or b"")
    text: list[str] = []
    for _head, data in objects.values():
        if not data or b"BT" not in data or b"Tf" not in data:
            continue
        font: dict[int, str] = {}
        for token in re.finditer(
            rb"/(\w+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|\(((?:\\.|[^\\)])*)\)\s*Tj|\bET\b", data, re.S
        ):
            if token.group(1):
                font = fonts.get(token.group(1), {})
            elif token.group(0) == b"ET":
                text.append("\n")
            else:
                array = token.group(2)
                strings = (
                    re.findall(rb"\(((?:\\.|[^\\)])*)\)", array) if array else [token.group(3)]
                )
                for raw in strings:
                    glyphs = _literal(raw)
                    for i in range(0, len(glyphs) - 1, 2):
                        text.append(font.get(int.from_bytes(glyphs[i : i + 2], "big"), ""))
    return "".join(text)
