"""Lossless encoding of one channel's raw samples into two compact blobs.

A block holds the samples of one channel over one hour: timestamps (UTC epoch
ms, strictly increasing) and float values. Both are stored as small integers
that zlib squeezes well:

- ``ts`` blob: ``b"T"`` version 1, the integer width ``w`` (1, 2, 4 or 8
  bytes), then zlib of: ``w`` again, the first timestamp (int64,
  little-endian) followed by the zig-zag encoded second differences (delta of
  delta) as ``w``-byte unsigned little-endian integers. A regular poll makes
  them all zero.
- ``value`` blob, one of two codecs:
  ``b"D"`` (decimal): version byte 1, a scale byte, width ``w``; then zlib of
  the scale byte and ``w`` again, the first integer (int64) and the zig-zag
  first differences. The scale byte holds a signed exponent ``k`` (-3..6) in
  its low 5 bits; bit 5 clear: the values are ``integer / 10**k``; set: they
  are ``integer * 10**-k`` (how a driver scales a register: raw x 0.1 is not
  always raw / 10 in floating point). Chosen only when that reproduces every
  float exactly. Register values scaled by a power of ten (0.1 W, 1 Wh,
  0.01 Hz) take this path: 1-2 bytes per sample.
  ``b"X"`` (float): version byte 1; then zlib of the float64 bit patterns XOR
  their predecessor, byte-shuffled (all first bytes, then all second bytes,
  ...). For values decoded from float32 registers and other arbitrary floats.

Decoding gives back exactly the floats that were encoded (``-0.0`` becomes
``0.0``). The header parameters are repeated inside the zlib stream, so
zlib's checksum covers every byte but the codec letter and version: a damaged
block raises :class:`CodecError`, it never decodes to other numbers. The
format is documented for users in docs/database.md.
"""

from __future__ import annotations

import zlib

import numpy as np

_WIDTHS = ((1, np.uint8), (2, np.uint16), (4, np.uint32), (8, np.uint64))
_DECIMAL_EXPONENTS = (0, 1, 2, 3, 4, 5, 6, -1, -2, -3)
_MAX_EXACT_INT = 2.0**53
_MULTIPLIED = 0x20  # scale byte flag: integer * 10**-k rather than integer / 10**k
_ZLIB_LEVEL = 3


class CodecError(ValueError):
    """A blob that is not in this format (corrupt, or written by a newer version)."""


def _zigzag(n: np.ndarray) -> np.ndarray:
    n = n.astype(np.int64)
    return ((n << 1) ^ (n >> 63)).view(np.uint64)


def _unzigzag(z: np.ndarray) -> np.ndarray:
    if z.dtype.itemsize < 8:  # fits int64 as it is: one conversion, then shifts on int64
        n = z.astype(np.int64)
        sign = n & 1
        n >>= 1
        np.negative(sign, out=sign)
        n ^= sign
        return n
    z = z.astype(np.uint64)
    return ((z >> np.uint64(1)).view(np.int64)) ^ -((z & np.uint64(1)).view(np.int64))


def _pack_ints(first: int, zigzagged: np.ndarray) -> tuple[int, bytes]:
    top = int(zigzagged.max()) if zigzagged.size else 0
    for width, dtype in _WIDTHS:
        if top < 1 << (8 * width):
            return width, np.int64(first).tobytes() + zigzagged.astype(np.dtype(dtype).newbyteorder("<")).tobytes()
    raise AssertionError("unreachable: uint64 always fits")


def _unpack_ints(width: int, payload: bytes, count: int) -> tuple[int, np.ndarray]:
    dtype = dict(_WIDTHS).get(width)
    if count < 1:
        raise CodecError("a block holds at least one sample")
    if dtype is None or len(payload) != 8 + width * (count - 1):
        raise CodecError("integer payload of the wrong size")
    first = int(np.frombuffer(payload[:8], dtype="<i8")[0])
    rest = np.frombuffer(payload[8:], dtype=np.dtype(dtype).newbyteorder("<"))
    return first, _unzigzag(rest)


def encode_timestamps(ts_ms: np.ndarray) -> bytes:
    """Blob of strictly increasing UTC epoch milliseconds (at least one)."""
    ts = np.asarray(ts_ms, dtype=np.int64)
    if ts.size == 0:
        raise ValueError("a block needs at least one sample")
    deltas = np.diff(ts)
    if (deltas <= 0).any():
        raise ValueError("timestamps must be strictly increasing")
    second = np.diff(deltas, prepend=np.int64(0))  # first delta kept as is, then delta of delta
    width, payload = _pack_ints(int(ts[0]), _zigzag(second))
    return b"T" + bytes((1, width)) + zlib.compress(bytes((width,)) + payload, _ZLIB_LEVEL)


def decode_timestamps(blob: bytes, count: int, out: np.ndarray | None = None) -> np.ndarray:
    """The ``count`` UTC epoch milliseconds of a timestamp blob (int64), written into ``out`` when given (an
    int64 array of ``count`` elements, e.g. a slice of a larger one) and returned."""
    if len(blob) < 3 or blob[:2] != b"T\x01":
        raise CodecError("not a version 1 timestamp blob")
    width = blob[2]
    payload = _checked(blob[3:], blob[2:3])
    if count > 1 and len(payload) == 8 + width * (count - 1) and payload.endswith(bytes(width * (count - 2))):
        # a regular poll: every second difference after the first delta is zero (the common block)
        first, second = _unpack_ints(width, payload[: 8 + width], 2)
        ts = np.arange(count, dtype=np.int64) if out is None else out
        if out is not None:
            ts[:] = np.arange(count, dtype=np.int64)
        ts *= int(second[0])
        ts += first
        return ts
    first, second = _unpack_ints(width, payload, count)
    ts = np.empty(count, dtype=np.int64) if out is None else out
    ts[0] = first
    if count > 1:
        np.cumsum(second, out=second)  # the deltas (second differences summed), in place
        np.cumsum(second, out=ts[1:])
        ts[1:] += first
    return ts


def _decimal_scale(values: np.ndarray) -> tuple[int, np.ndarray] | None:
    """The first scale byte (see the module docstring) that reproduces ``values`` exactly, and the integers."""
    if not np.isfinite(values).all():
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        for k in _DECIMAL_EXPONENTS:
            scaled = values * 10.0**k if k >= 0 else values / 10.0**-k
            if not np.abs(scaled).max() < _MAX_EXACT_INT:
                continue
            ints = np.rint(scaled)
            for multiplied in (False, True):
                scale = (k & 0x1F) | (_MULTIPLIED if multiplied else 0)
                if np.array_equal(_from_decimal(ints, scale), values):
                    return scale, ints.astype(np.int64)
    return None


def _from_decimal(ints: np.ndarray, scale: int, out: np.ndarray | None = None) -> np.ndarray:
    k = scale & 0x1F
    k = k - 32 if k & 0x10 else k
    if k not in _DECIMAL_EXPONENTS:
        raise CodecError(f"decimal exponent {k} out of range")
    if scale & _MULTIPLIED or k < 0:
        return np.multiply(ints, 10.0**-k, out=out)
    return np.divide(ints, 10.0**k, out=out)


def encode_values(values: np.ndarray) -> bytes:
    """Blob of float values (at least one; NaN and infinities take the float codec)."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        raise ValueError("a block needs at least one sample")
    decimal = _decimal_scale(v)
    if decimal is not None:
        scale, ints = decimal
        width, payload = _pack_ints(int(ints[0]), _zigzag(np.diff(ints)))
        return b"D" + bytes((1, scale, width)) + zlib.compress(bytes((scale, width)) + payload, _ZLIB_LEVEL)
    bits = v.view(np.uint64)
    xored = bits ^ np.concatenate(([np.uint64(0)], bits[:-1]))
    shuffled = xored.astype("<u8").view(np.uint8).reshape(-1, 8).T.tobytes()
    return b"X\x01" + zlib.compress(shuffled, _ZLIB_LEVEL)


def decode_values(blob: bytes, count: int, out: np.ndarray | None = None) -> np.ndarray:
    """The ``count`` float64 values of a value blob, written into ``out`` when given (a float64 array of
    ``count`` elements) and returned."""
    if len(blob) >= 5 and blob[:2] == b"D\x01":
        first, deltas = _unpack_ints(blob[3], _checked(blob[4:], blob[2:4]), count)
        values = np.empty(count, dtype=np.float64) if out is None else out
        ints = np.empty(count, dtype=np.int64)
        ints[0] = first
        if count > 1:
            deltas[0] += first  # the running sum then starts from the first integer
            np.cumsum(deltas, out=ints[1:])
        return _from_decimal(ints, blob[2], values)
    if len(blob) >= 2 and blob[:2] == b"X\x01":
        raw = _inflate(blob[2:])
        if len(raw) != 8 * count:
            raise CodecError("float payload of the wrong size")
        values = np.empty(count, dtype=np.float64) if out is None else out
        xored = np.frombuffer(raw, dtype=np.uint8).reshape(8, count).T.copy().view("<u8").ravel()
        values[:] = np.bitwise_xor.accumulate(xored).view(np.float64)
        return values
    raise CodecError("not a version 1 value blob")


def _checked(data: bytes, header: bytes) -> bytes:
    """The payload of a zlib stream that starts with a copy of the header parameters, checked against them."""
    inner = _inflate(data)
    if inner[: len(header)] != header:
        raise CodecError("block header does not match its checksummed copy")
    return inner[len(header) :]


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error as exc:
        raise CodecError(f"corrupt block: {exc}") from None
