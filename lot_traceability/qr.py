"""QR codes for lot labels, as data URIs for the ``src`` of an ``<img>`` in a print format.

All symbols use error correction level M (about 15 % of the symbol can be damaged) and a quiet
zone of four modules, the minimum ISO/IEC 18004 asks for.

The content is text. A QR Code carries bytes: text that is all ASCII, as every GS1 element string
is (GS1 character set 82 and the GS separator), is written byte for byte, so a GS
(``"\\x1d"``) comes back out of the decoder as it went in. Other text is written as UTF-8, which
readers recognise, although the QR standard's default reading of bytes is ISO 8859-1.

With ``gs1=True`` the text must be a GS1 element string (either form, see
:mod:`lot_traceability.traceability.gs1`), and the symbol is a *GS1 QR Code*: the data begins with
the FNC1-in-first-position mode indicator, which tells a reader that the content is GS1 element
strings. The raw form is written in one 8-bit byte segment, where ISO/IEC 18004 reads GS as the
FNC1 separator; a ``%`` stays a ``%`` there (only in alphanumeric segments would it stand for
FNC1). A GS1-aware reader then transmits ``]Q3`` and the raw element string. Without it, the
symbol is a plain QR Code (``]Q1``) whose content is exactly the given text, which is what a
phone camera or a keyboard-wedge scanner in its default set-up shows.

This module does not use frappe.
"""

import base64
import io
from bisect import bisect_left

import qrcode
from qrcode import base as qr_base
from qrcode import constants, util
from qrcode.exceptions import DataOverflowError
from qrcode.image.svg import SvgPathFillImage

from lot_traceability.traceability.gs1 import to_raw

__all__ = ["qr_matrix", "qr_png_data_uri", "qr_svg_data_uri"]

ERROR_CORRECTION = constants.ERROR_CORRECT_M
QUIET_ZONE = 4
_MODE_FNC1_FIRST = 0b0101
_SVG_BOX_SIZE = 10  # the qrcode package draws 10 box units as 1 mm: one module per millimetre


class _Gs1QRCode(qrcode.QRCode):
	"""A QR Code whose bit stream starts with the FNC1-in-first-position mode indicator (0101).

	The ``qrcode`` package has no such mode, so the size search and the data codewords are done
	here with its building blocks; everything after the data codewords (masking, placement) is
	the package's own.
	"""

	def best_fit(self, start=None):
		version = start or 1
		while True:
			sizes = util.mode_sizes_for_version(version)
			buffer = util.BitBuffer()
			buffer.put(_MODE_FNC1_FIRST, 4)
			for data in self.data_list:
				buffer.put(data.mode, 4)
				buffer.put(len(data), sizes[data.mode])
				data.write(buffer)
			fitting = bisect_left(util.BIT_LIMIT_TABLE[self.error_correction], len(buffer), version)
			if fitting == 41:
				raise DataOverflowError()
			if util.mode_sizes_for_version(fitting) is sizes:
				self.version = fitting
				return fitting
			version = fitting

	def makeImpl(self, test, mask_pattern):
		if self.data_cache is None:
			self.data_cache = self._data_codewords()
		super().makeImpl(test, mask_pattern)

	def _data_codewords(self) -> list[int]:
		buffer = util.BitBuffer()
		buffer.put(_MODE_FNC1_FIRST, 4)
		for data in self.data_list:
			buffer.put(data.mode, 4)
			buffer.put(len(data), util.length_in_bits(data.mode, self.version))
			data.write(buffer)
		rs_blocks = qr_base.rs_blocks(self.version, self.error_correction)
		bit_limit = sum(block.data_count * 8 for block in rs_blocks)
		if len(buffer) > bit_limit:
			raise DataOverflowError()
		for _ in range(min(bit_limit - len(buffer), 4)):  # terminator
			buffer.put_bit(False)
		while len(buffer) % 8:
			buffer.put_bit(False)
		for i in range((bit_limit - len(buffer)) // 8):  # pad codewords
			buffer.put(util.PAD0 if i % 2 == 0 else util.PAD1, 8)
		return util.create_bytes(buffer, rs_blocks)


def _payload(text: str) -> bytes:
	if not isinstance(text, str):
		raise TypeError(f"QR content is text, not {type(text).__name__}")
	if not text:
		raise ValueError("QR content is empty")
	try:
		return text.encode("ascii")
	except UnicodeEncodeError:
		return text.encode("utf-8")


def _make(text: str, gs1: bool, box_size: int) -> qrcode.QRCode:
	if gs1:
		payload = _payload(to_raw(text))
		code = _Gs1QRCode(error_correction=ERROR_CORRECTION, box_size=box_size, border=QUIET_ZONE)
		code.add_data(util.QRData(payload, mode=util.MODE_8BIT_BYTE))
	else:
		payload = _payload(text)
		code = qrcode.QRCode(error_correction=ERROR_CORRECTION, box_size=box_size, border=QUIET_ZONE)
		code.add_data(payload)
	try:
		code.make(fit=True)
	except (DataOverflowError, ValueError) as exc:
		# Depending on its version, the qrcode package reports an overflow as one or the other.
		raise ValueError(f"{len(payload)} bytes do not fit in a QR Code at level M") from exc
	return code


def qr_matrix(text: str, *, gs1: bool = False) -> list[list[bool]]:
	"""The symbol's modules, row by row, True for dark, without the quiet zone (leave four light
	modules around it when drawing it)."""
	return [[bool(module) for module in row] for row in _make(text, gs1, 1).modules]


def qr_svg_data_uri(text: str, *, gs1: bool = False) -> str:
	"""An SVG QR Code as a ``data:image/svg+xml;base64,`` URI.

	The SVG is one path on a white background, one module per millimetre with a ``viewBox``, so
	CSS can scale it to any size. It needs no image library.
	"""
	image = _make(text, gs1, _SVG_BOX_SIZE).make_image(image_factory=SvgPathFillImage)
	stream = io.BytesIO()
	image.save(stream)
	return "data:image/svg+xml;base64," + base64.b64encode(stream.getvalue()).decode("ascii")


def _png_image_factory():
	"""Pillow's image factory when Pillow is installed (it is wherever frappe is), else pypng's."""
	try:
		import PIL.Image  # noqa: F401
	except ImportError:
		pass
	else:
		from qrcode.image.pil import PilImage

		return PilImage
	try:
		import png  # noqa: F401
	except ImportError:
		raise ImportError("a PNG QR Code needs Pillow or pypng; neither is installed") from None
	from qrcode.image.pure import PyPNGImage

	return PyPNGImage


def qr_png_data_uri(text: str, box_size: int = 4, *, gs1: bool = False) -> str:
	"""A PNG QR Code as a ``data:image/png;base64,`` URI, ``box_size`` pixels per module."""
	if isinstance(box_size, bool) or not isinstance(box_size, int) or box_size < 1:
		raise ValueError(f"box_size is a number of pixels, at least 1, not {box_size!r}")
	image = _make(text, gs1, box_size).make_image(image_factory=_png_image_factory())
	stream = io.BytesIO()
	image.save(stream)
	return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode("ascii")
