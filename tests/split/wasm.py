"""Hand-made wasm modules for the split step's tests: a header and sections, nothing more."""

HEADER = b"\0asm\x01\0\0\0"
CUSTOM, TYPE, CODE = 0, 1, 10


def uleb(value):
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def section(kind, payload):
    return bytes([kind]) + uleb(len(payload)) + payload


def custom(name, payload=b""):
    """A custom section: its name, then any bytes."""
    encoded = name.encode()
    return section(CUSTOM, uleb(len(encoded)) + encoded + payload)


def module(*sections):
    return HEADER + b"".join(sections)


def sections(wasm):
    """The section ids of a module, in order (a checker independent of scripts/split.py)."""
    assert wasm[:8] == HEADER, "not a wasm module"
    ids, i = [], 8
    while i < len(wasm):
        kind, i = wasm[i], i + 1
        size = shift = 0
        while True:
            byte, i = wasm[i], i + 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        ids.append(kind)
        i += size
    assert i == len(wasm), "a section runs past the end"
    return ids
