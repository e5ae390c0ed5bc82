"""The label's QR Code decodes back to the GS1 string, read by an independent decoder (zxing-cpp).

What zxing-cpp returns, and how these tests read it:

* ``TextMode.Plain`` gives the content as it is, a GS separator included. The default text mode,
  ``TextMode.HRI``, shows a GS in a plain QR Code as the four characters ``<GS>`` and turns the
  content of a GS1 QR Code into the parenthesised form; the tests read with ``Plain`` and check the
  ``HRI`` behaviour separately, so a change in it is noticed.
* ``symbology_identifier`` is ``]Q1`` for a plain QR Code and ``]Q3`` for a GS1 QR Code
  (``gs1=True``). It is not part of ``text``; a scanner set up to send it puts it in front, which
  :func:`~lot_traceability.traceability.gs1.parse` accepts.
"""

import base64
import io
import re
import sys
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from lot_traceability import qr
from lot_traceability.qr import qr_matrix, qr_png_data_uri, qr_svg_data_uri
from lot_traceability.traceability.gs1 import GS, Gs1Data, Gs1Error, build, gtin_check_digit, parse, to_raw

TODAY = 2025
HUMAN = "(01)09506000134352(17)260531(10)ABC123(21)S-42"
RAW = "01095060001343521726053110ABC123" + GS + "21S-42"
TEXTS = [
	HUMAN,
	RAW,
	"]d2" + GS + RAW,  # a scan passed on verbatim
	"(01)09521234543213(3103)000189",
	"(10)A%B\\(C)D(21)%%",  # '%' and an escaped '(' in the data
	"Lot Ä-7 • 東京",  # not ASCII: written as UTF-8
]


def _decode(image: Image.Image) -> zxingcpp.Barcode:
	found = zxingcpp.read_barcodes(
		image, formats=zxingcpp.BarcodeFormat.QRCode, text_mode=zxingcpp.TextMode.Plain
	)
	assert len(found) == 1, found
	return found[0]


def _png(uri: str) -> Image.Image:
	prefix = "data:image/png;base64,"
	assert uri.startswith(prefix)
	data = base64.b64decode(uri[len(prefix) :], validate=True)
	assert data.startswith(b"\x89PNG\r\n\x1a\n")
	return Image.open(io.BytesIO(data))


def _render_matrix(matrix: list[list[bool]], scale: int = 6) -> Image.Image:
	"""The modules drawn as squares, with the four-module quiet zone around them."""
	size = (len(matrix) + 2 * qr.QUIET_ZONE) * scale
	image = Image.new("L", (size, size), 255)
	draw = ImageDraw.Draw(image)
	for row, modules in enumerate(matrix):
		for col, dark in enumerate(modules):
			if dark:
				x, y = (col + qr.QUIET_ZONE) * scale, (row + qr.QUIET_ZONE) * scale
				draw.rectangle([x, y, x + scale - 1, y + scale - 1], fill=0)
	return image


def _rasterise_svg(uri: str, scale: int = 6) -> tuple[Image.Image, ET.Element]:
	"""Draw the SVG's background and path (absolute M, H, V, L and Z commands) with Pillow."""
	prefix = "data:image/svg+xml;base64,"
	assert uri.startswith(prefix)
	svg = ET.fromstring(base64.b64decode(uri[len(prefix) :], validate=True))
	assert svg.tag == "{http://www.w3.org/2000/svg}svg"
	min_x, min_y, width, height = (float(v) for v in svg.get("viewBox").split())
	assert (min_x, min_y) == (0, 0) and width == height
	image = Image.new("L", (round(width * scale), round(height * scale)), 0)
	draw = ImageDraw.Draw(image)
	for element in svg:
		if element.tag.endswith("rect"):
			assert (element.get("fill"), element.get("width"), element.get("height")) == (
				"white",
				"100%",
				"100%",
			)
			draw.rectangle([0, 0, image.width, image.height], fill=255)
	paths = [element for element in svg if element.tag.endswith("path")]
	assert len(paths) == 1
	tokens = re.findall(r"[A-Za-z]|-?\d+(?:\.\d+)?", paths[0].get("d"))
	polygons, polygon, x, y, i = [], [], 0.0, 0.0, 0
	while i < len(tokens):
		command = tokens[i]
		i += 1
		if command == "M":
			x, y = float(tokens[i]), float(tokens[i + 1])
			i += 2
			polygon = [(x, y)]
		elif command == "L":
			x, y = float(tokens[i]), float(tokens[i + 1])
			i += 2
			polygon.append((x, y))
		elif command == "H":
			x = float(tokens[i])
			i += 1
			polygon.append((x, y))
		elif command == "V":
			y = float(tokens[i])
			i += 1
			polygon.append((x, y))
		elif command in "Zz":
			polygons.append(polygon)
			polygon = []
		else:
			raise AssertionError(f"path command {command!r} is not drawn by this test")
	for polygon in polygons:
		draw.polygon([(px * scale, py * scale) for px, py in polygon], fill=0)
	return image, svg


def _modules_of(image: Image.Image, modules: int, module_px: float) -> list[list[bool]]:
	"""Sample the centre of each module inside the quiet zone: dark is True."""
	grey = image.convert("L")
	return [
		[
			grey.getpixel(
				(int((qr.QUIET_ZONE + c + 0.5) * module_px), int((qr.QUIET_ZONE + r + 0.5) * module_px))
			)
			< 128
			for c in range(modules)
		]
		for r in range(modules)
	]


# ---------------------------------------------------------------- plain QR Code: the text as it is


@pytest.mark.parametrize("text", TEXTS)
def test_png_decodes_to_the_text(text):
	barcode = _decode(_png(qr_png_data_uri(text)))
	assert barcode.text == text
	assert barcode.bytes == text.encode("utf-8")
	assert barcode.symbology_identifier == "]Q1"
	assert barcode.ec_level == "M"


@pytest.mark.parametrize("text", TEXTS)
def test_svg_decodes_to_the_text_and_draws_the_matrix(text):
	image, svg = _rasterise_svg(qr_svg_data_uri(text))
	barcode = _decode(image)
	assert barcode.text == text
	assert barcode.ec_level == "M"
	matrix = qr_matrix(text)
	assert svg.get("viewBox") == f"0 0 {len(matrix) + 8} {len(matrix) + 8}"
	assert svg.get("width") == f"{len(matrix) + 8}mm"  # one module per millimetre
	assert _modules_of(image, len(matrix), 6) == matrix


@pytest.mark.parametrize("text", TEXTS)
def test_matrix_decodes_to_the_text(text):
	matrix = qr_matrix(text)
	assert len(matrix) in {17 + 4 * version for version in range(1, 41)}
	assert all(len(row) == len(matrix) for row in matrix)
	assert all(isinstance(module, bool) for row in matrix for module in row)
	assert _decode(_render_matrix(matrix)).text == text


@pytest.mark.parametrize("box_size", [1, 2, 4, 7])
def test_png_box_size_is_pixels_per_module(box_size):
	matrix = qr_matrix(RAW)
	image = _png(qr_png_data_uri(RAW, box_size=box_size))
	assert image.size == ((len(matrix) + 8) * box_size,) * 2
	assert _modules_of(image, len(matrix), box_size) == matrix
	if box_size >= 2:
		assert _decode(image).text == RAW


def test_hri_text_mode_shows_the_separator_as_a_placeholder():
	image = _png(qr_png_data_uri(RAW))
	(barcode,) = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.HRI)
	assert barcode.text == RAW.replace(GS, "<GS>")
	assert barcode.bytes == RAW.encode("ascii")


# ---------------------------------------------------------------- GS1 QR Code


@pytest.mark.parametrize("text", [HUMAN, RAW, "]Q3" + GS + RAW, "(10)A%B\\(C)D(21)%%"])
def test_gs1_qr_code_carries_the_raw_element_string(text):
	raw = to_raw(text, today=TODAY)
	for image in (
		_png(qr_png_data_uri(text, gs1=True)),
		_rasterise_svg(qr_svg_data_uri(text, gs1=True))[0],
		_render_matrix(qr_matrix(text, gs1=True)),
	):
		barcode = _decode(image)
		assert barcode.symbology_identifier == "]Q3"
		assert barcode.content_type == zxingcpp.ContentType.GS1
		assert barcode.ec_level == "M"
		assert barcode.text == raw
		# what a scanner that sends the symbology identifier passes on
		scanned = barcode.symbology_identifier + barcode.text
		assert parse(scanned, today=TODAY) == parse(text, today=TODAY)


def test_gs1_qr_code_in_hri_text_mode_is_the_parenthesised_form():
	image = _png(qr_png_data_uri(RAW, gs1=True))
	(barcode,) = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.HRI)
	assert barcode.text == HUMAN


def test_percent_sign_stays_a_percent_sign_in_a_gs1_qr_code():
	"""In byte mode '%' is data; only in an alphanumeric segment would it stand for FNC1."""
	barcode = _decode(_png(qr_png_data_uri("(10)5%(21)%1", gs1=True)))
	assert barcode.text == "105%" + GS + "21%1"
	assert parse(barcode.text) == Gs1Data(lot="5%", serial="%1")


def test_gs1_mode_refuses_what_is_not_a_gs1_element_string():
	for function in (qr_png_data_uri, qr_svg_data_uri, qr_matrix):
		with pytest.raises(Gs1Error):
			function("hello", gs1=True)
		with pytest.raises(Gs1Error):
			function("(01)09506000134353", gs1=True)


gtins = st.text(alphabet="0123456789", min_size=13, max_size=13).map(lambda b: b + str(gtin_check_digit(b)))
texts82 = st.text(
	alphabet="!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz",
	min_size=1,
	max_size=20,
)
label_data = st.builds(
	Gs1Data,
	gtin=gtins,
	lot=texts82,
	expiry=st.dates(min_value=date(TODAY - 49, 1, 1), max_value=date(TODAY + 50, 12, 31)),
	serial=st.none() | texts82,
)


@given(label_data, st.booleans())
@settings(max_examples=40, deadline=None)
def test_generated_labels_decode_back(data, gs1):
	raw = build(data, raw=True, today=TODAY)
	barcode = _decode(_png(qr_png_data_uri(raw, gs1=gs1)))
	assert barcode.text == raw
	assert barcode.symbology_identifier == ("]Q3" if gs1 else "]Q1")
	assert parse(barcode.text, today=TODAY) == data


@given(st.text(alphabet=[chr(c) for c in range(32, 127)] + [GS], min_size=1, max_size=120))
@settings(max_examples=40, deadline=None)
def test_any_ascii_text_with_separators_decodes_back(text):
	assert _decode(_png(qr_png_data_uri(text))).text == text


# ---------------------------------------------------------------- PNG without Pillow, and errors


def test_png_falls_back_to_pypng_without_pillow(monkeypatch):
	pytest.importorskip("png")
	with monkeypatch.context() as patch:
		patch.setitem(sys.modules, "PIL", None)
		patch.setitem(sys.modules, "PIL.Image", None)
		from qrcode.image.pure import PyPNGImage

		assert qr._png_image_factory() is PyPNGImage
		uri = qr_png_data_uri(RAW, box_size=3)
	image = _png(uri)
	assert image.size == ((len(qr_matrix(RAW)) + 8) * 3,) * 2
	assert _decode(image).text == RAW


def test_png_without_pillow_or_pypng_says_what_to_install(monkeypatch):
	monkeypatch.setitem(sys.modules, "PIL", None)
	monkeypatch.setitem(sys.modules, "PIL.Image", None)
	monkeypatch.setitem(sys.modules, "png", None)
	with pytest.raises(ImportError, match="Pillow or pypng"):
		qr_png_data_uri(RAW)
	assert qr_svg_data_uri(RAW).startswith("data:image/svg+xml;base64,")  # SVG needs neither


def test_invalid_arguments():
	with pytest.raises(ValueError, match="empty"):
		qr_svg_data_uri("")
	with pytest.raises(TypeError):
		qr_matrix(b"0109506000134352")
	with pytest.raises(ValueError, match="box_size"):
		qr_png_data_uri(RAW, box_size=0)
	with pytest.raises(ValueError, match="do not fit"):
		qr_matrix("x" * 3000)


def test_the_largest_content_at_level_m_fits():
	assert len(qr_matrix("x" * 2331)) == 177  # version 40-M holds 2331 bytes
	with pytest.raises(ValueError, match="do not fit"):
		qr_matrix("x" * 2332)
