"""Telegram's text formatting, as the Bot API server applies it to what a bot sends.

:func:`parse_html` follows the behaviour of tdlib's ``parse_html`` (the parser behind
``parse_mode=HTML``): the same tag subset, the same handling of ``&`` entities and the same error
texts, with byte offsets into the UTF-8 text. :func:`normalize` then does what Telegram does to
every formatted text before storing it (control characters, trimming, whitespace-only entities).
Offsets and lengths of entities are in UTF-16 code units, like everywhere in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Entity = dict[str, Any]

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)

_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
}

# entities that carry data and survive even when they cover only whitespace
_HIDDEN_DATA_TYPES = frozenset({"text_link", "text_mention", "custom_emoji"})

# tdlib's order for entities starting at the same offset with the same length
_TYPE_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bot_command": 50,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}

_SPACE = frozenset(b" \t\r\n\x0b\x0c\x00")
_NAME_TOKEN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


class HtmlParseError(ValueError):
    """Raised with Telegram's description (the part after "can't parse entities: ")."""


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset of the content
    start: int  # index in the output buffer (bytes) where the content starts
    expandable: bool


def _decode_entity(data: bytes, pos: int) -> tuple[int, int]:
    """Decode ``&...;`` at ``pos``; return (code point or 0 if it is no entity, next position)."""
    end = pos + 1
    code = 0
    if data[end : end + 1] == b"#":
        end += 1
        if data[end : end + 1] == b"x":
            end += 1
            while end < len(data) and chr(data[end]) in "0123456789abcdefABCDEF":
                code = code * 16 + int(chr(data[end]), 16)
                end += 1
        else:
            while end < len(data) and 0x30 <= data[end] <= 0x39:
                code = code * 10 + data[end] - 0x30
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while end < len(data) and chr(data[end]).isascii() and chr(data[end]).isalpha():
            end += 1
        code = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}.get(data[pos + 1 : end], 0)
        if code == 0:
            return 0, pos
    if data[end : end + 1] == b";":
        end += 1
    return code, end


def parse_html(html: str) -> tuple[str, list[Entity]]:
    """Parse Telegram's HTML into (plain text, entities) or raise :class:`HtmlParseError`."""
    data = html.encode("utf-8", "surrogatepass")
    size = len(data)

    def at(index: int) -> int:
        return data[index] if index < size else 0  # tdlib reads the C string's terminating NUL

    out = bytearray()
    utf16 = 0
    stack: list[_OpenTag] = []
    entities: list[Entity] = []
    i = 0
    while i < size:
        c = data[i]
        if c == 0x26:  # '&'
            code, end = _decode_entity(data, i)
            if code:
                out += chr(code).encode("utf-8", "surrogatepass")
                utf16 += 2 if code > 0xFFFF else 1
                i = end
                continue
        if c != 0x3C:  # not '<'
            if c & 0xC0 != 0x80:  # first byte of a character
                utf16 += 2 if c >= 0xF0 else 1
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != 0x2F:  # a start tag
            while at(i) not in _SPACE and at(i) != 0x3E:
                i += 1
            if at(i) == 0:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
            name = _lower(data[begin + 1 : i])
            if name not in ALLOWED_TAGS:
                raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
            argument, expandable, i = _parse_attributes(data, i, name, begin, at)
            if name == "span" and argument != "spoiler":
                raise HtmlParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            stack.append(_OpenTag(name, argument, utf16, len(out), expandable))
            i += 1  # the '>'
            continue

        # an end tag
        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        while at(i) not in _SPACE and at(i) != 0x3E:
            i += 1
        end_name = _lower(data[begin + 2 : i])
        while at(i) in _SPACE and at(i) != 0:
            i += 1
        if at(i) != 0x3E:
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        tag = stack.pop()
        if end_name and end_name != tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if utf16 > tag.offset:
            _close(tag, utf16 - tag.offset, bytes(out[tag.start :]), entities)
        i += 1
    if stack:
        raise HtmlParseError(f"Can't find end tag corresponding to start tag {stack[-1].name}")

    try:
        text = bytes(out).decode("utf-8")
    except UnicodeDecodeError as error:
        raise HtmlParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        ) from error
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return text, sort_entities(entities)


def _lower(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").lower()


def _parse_attributes(data: bytes, i: int, name: str, begin: int, at: Any) -> tuple[str, bool, int]:
    """Read the attributes of a start tag; return (argument, expandable, index of '>')."""
    argument = ""
    expandable = False
    while at(i) != 0x3E:
        while at(i) != 0 and at(i) in _SPACE:
            i += 1
        if at(i) == 0x3E:
            break
        attribute_begin = i
        while at(i) not in _SPACE and at(i) not in (0x3D, 0x3E):
            i += 1
        attribute = data[attribute_begin:i]
        if not attribute:
            raise HtmlParseError(f'Empty attribute name in the tag "{name}" at byte offset {begin}')
        while at(i) != 0 and at(i) in _SPACE:
            i += 1
        if at(i) != 0x3D:
            if name == "blockquote" and attribute == b"expandable":
                expandable = True
                continue
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" at byte '
                f"offset {begin}"
            )
        i += 1
        while at(i) != 0 and at(i) in _SPACE:
            i += 1
        if at(i) == 0:
            raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
        value = bytearray()
        if at(i) not in (0x22, 0x27):  # a name token, not case sensitive
            token_begin = i
            while at(i) in _NAME_TOKEN:
                i += 1
            value += data[token_begin:i].lower()
            if at(i) not in _SPACE and at(i) != 0x3E:
                raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
        else:
            quote = at(i)
            i += 1
            while at(i) != quote and at(i) != 0:
                if at(i) == 0x26:
                    code, end = _decode_entity(data, i)
                    if code:
                        value += chr(code).encode("utf-8", "surrogatepass")
                        i = end
                        continue
                value.append(at(i))
                i += 1
            if at(i) == quote:
                i += 1
        if at(i) == 0:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        text_value = value.decode("utf-8", "replace")
        if name == "a" and attribute == b"href":
            argument = text_value
        elif name == "code" and attribute == b"class" and text_value.startswith("language-"):
            argument = text_value[len("language-") :]
        elif name == "span" and attribute == b"class" and text_value.startswith("tg-"):
            argument = text_value[len("tg-") :]
        elif name == "tg-emoji" and attribute == b"emoji-id":
            argument = text_value
    return argument, expandable, i


def _close(tag: _OpenTag, length: int, content: bytes, entities: list[Entity]) -> None:
    """Turn a closed tag into an entity (or merge ``<pre><code class=...>`` into one)."""
    offset = tag.offset
    if tag.name in _SIMPLE_TYPES:
        entities.append({"type": _SIMPLE_TYPES[tag.name], "offset": offset, "length": length})
    elif tag.name == "span":
        entities.append({"type": "spoiler", "offset": offset, "length": length})
    elif tag.name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": tag.argument,
            }
        )
    elif tag.name == "a":
        url = checked_url(tag.argument or content.decode("utf-8", "replace"))
        if url is not None:
            entities.append({"type": "text_link", "offset": offset, "length": length, "url": url})
    elif tag.name == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last.get("language")
            and last["offset"] == offset
            and last["length"] == length
        ):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag.name == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and tag.argument
            and last["offset"] == offset
            and last["length"] == length
        ):
            last["language"] = tag.argument
        else:
            entity: Entity = {"type": "code", "offset": offset, "length": length}
            if tag.argument:
                entity["language"] = tag.argument
            entities.append(entity)
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.expandable else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})


_URL = re.compile(r"^(?:(https?|tg|ton|tonsite)://)?([^\s/?#]*)(.*)$", re.IGNORECASE | re.DOTALL)


def checked_url(url: str) -> str | None:
    """A link Telegram would accept (``http://`` added when no scheme is given), else None."""
    url = url.strip()
    if "://" in url and not re.match(r"^(https?|tg|ton|tonsite)://", url, re.IGNORECASE):
        return None
    match = _URL.match(url)
    if match is None or not match.group(2):
        return None
    return url if match.group(1) else f"http://{url}"


def sort_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(
        entities,
        key=lambda e: (e["offset"], -e["length"], _TYPE_PRIORITY.get(e["type"], 50)),
    )


def normalize(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """What Telegram does to every formatted text before it stores it.

    Control characters become spaces, ``\\r`` and a few invisible formatting characters are
    dropped, formatting entities start at their first non-blank character (and vanish if
    they cover only blanks), and the text is trimmed (leading blanks only up to the first
    entity), with the entities moved along.
    """
    chars: list[str] = []
    new_offsets: list[int] = []  # input UTF-16 offset -> offset in the cleaned text
    position = 0
    for char in text:
        width = _utf16_units(char)
        new_offsets += [position] * width
        code = ord(char)
        if char == "\r" or 0x2028 <= code <= 0x202E or code in (0x0333, 0x033F, 0x030A):
            continue
        chars.append(" " if code < 32 and char != "\n" else char)
        position += width
    new_offsets.append(position)
    total = len(new_offsets) - 1

    cleaned = "".join(chars)
    fixed: list[Entity] = []
    for entity in entities:
        offset, length = int(entity["offset"]), int(entity["length"])
        if offset < 0 or length <= 0 or offset >= total:
            continue
        start, end = new_offsets[offset], new_offsets[min(offset + length, total)]
        if end <= start:
            continue
        fixed.append({**entity, "offset": start, "length": end - start})

    units = _to_units(cleaned)
    kept = []
    for entity in fixed:
        if entity["type"] not in _HIDDEN_DATA_TYPES:  # formatting starts at the first glyph
            while entity["length"] > 0 and units[entity["offset"]] in (0x20, 0x0A):
                entity["offset"] += 1
                entity["length"] -= 1
        if entity["length"] > 0:
            kept.append(entity)

    end = len(units)
    while end > 0 and units[end - 1] in (0x20, 0x0A):
        end -= 1
    first_entity = min((e["offset"] for e in kept), default=end)
    start = 0
    while start < min(end, first_entity) and units[start] in (0x20, 0x0A):
        start += 1
    result = []
    for entity in kept:
        entity_end = min(entity["offset"] + entity["length"], end)
        if entity_end <= entity["offset"]:
            continue
        result.append(
            {**entity, "offset": entity["offset"] - start, "length": entity_end - entity["offset"]}
        )
    trimmed = _from_units(units[start:end])
    return trimmed, sort_entities(result)


def _to_units(text: str) -> list[int]:
    raw = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(raw[k : k + 2], "little") for k in range(0, len(raw), 2)]


def _from_units(units: list[int]) -> str:
    raw = b"".join(u.to_bytes(2, "little") for u in units)
    return raw.decode("utf-16-le", "surrogatepass")


_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")


def bot_command_entities(text: str) -> list[Entity]:
    """``bot_command`` entities, as Telegram marks them in messages people send."""
    entities = []
    for match in _COMMAND.finditer(text):
        offset = utf16_len(text[: match.start()])
        entities.append(
            {"type": "bot_command", "offset": offset, "length": utf16_len(match.group(0))}
        )
    return entities
