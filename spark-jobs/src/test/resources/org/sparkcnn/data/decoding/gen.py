"""Writes the decoding fixtures into this folder and prints the pixels Pillow and ImageMagick
decode from them (ImageDecoderTest holds those values as its expected ones).

Run from this folder with Debian's python3-pil and imagemagick:
    PATH=/usr/bin:$PATH /usr/bin/python3 gen.py
"""
import struct
import subprocess
import zlib

from PIL import Image, ImageOps


def png(path, width, height, bit_depth, colour_type, rows, extra=None):
    """A PNG written chunk by chunk: rows are the raw scanlines (filter byte added here)."""
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    data = zlib.compress(b"".join(b"\x00" + row for row in rows), 9)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type,
                                             0, 0, 0))
                + (extra(chunk) if callable(extra) else b"")
                + chunk(b"IDAT", data) + chunk(b"IEND", b""))


# CMYK JPEG as Pillow writes it (Adobe marker, transform 0: plain CMYK) and as ImageMagick writes
# it (transform 2: YCCK); both of rgb(200, 40, 40), no ICC profile.
Image.new("CMYK", (8, 8), (0, 204, 204, 55)).save("cmyk.jpg", quality=95)
subprocess.run(["convert", "-size", "8x8", "xc:rgb(200,40,40)", "-colorspace", "CMYK",
                "-quality", "95", "ycck.jpg"], check=True)

# 16-bit RGB, 2 x 1: samples whose low byte is large (0x00C8, 0x12F0, 0x7FFF) or at the middle
# (0x8000), where keeping the high byte (Pillow), v / 257 rounded down (ImageMagick -depth 8) and
# v / 257 rounded (libpng's png_set_scale_16) can differ.
png("rgb16.png", 2, 1, 16, 2,
    [struct.pack(">6H", 0x00C8, 0x12F0, 0xFFFF, 0x7FFF, 0x8000, 0x0000)])

# Grey + alpha, 8-bit and 16-bit, 2 x 1: alpha 0 and 128 must not change the grey.
png("grey-alpha.png", 2, 1, 8, 4, [bytes([10, 0, 200, 128])])
png("grey-alpha16.png", 2, 1, 16, 4, [struct.pack(">4H", 0x0A0A, 0x0000, 0xC8C8, 0x8000)])

# Palette, 4 bits per pixel, 4 x 1: three colours and one transparent white (tRNS).
palette = [(200, 40, 40), (40, 200, 40), (40, 40, 200), (255, 255, 255)]
png("palette.png", 4, 1, 4, 3, [bytes([0x01, 0x23])],
    lambda chunk: chunk(b"PLTE", bytes(c for rgb in palette for c in rgb))
    + chunk(b"tRNS", bytes([255, 255, 255, 0])))
# Palette of greys, 2 bits per pixel, 4 x 1: 1 channel.
png("palette-grey.png", 4, 1, 2, 3, [bytes([0b00011011])],
    lambda chunk: chunk(b"PLTE", bytes(v for g in (0, 85, 170, 255) for v in (g, g, g))))
# 1 bit grey (as the 40000 x 40000 PNG bomb), 8 x 1: 10110010.
png("bilevel.png", 8, 1, 1, 0, [bytes([0b10110010])])

# JPEG with EXIF orientation 6 (rotate 90 degrees clockwise to display): stored 8 wide, 4 high,
# left half red, right half blue.
stored = Image.new("RGB", (8, 4), (200, 40, 40))
stored.paste((40, 40, 200), (4, 0, 8, 4))
exif = Image.Exif()
exif[0x0112] = 6
stored.save("exif-orientation-6.jpg", quality=95, exif=exif.tobytes())


def magick(path, x, y):
    out = subprocess.run(["convert", path, "-alpha", "off", "-colorspace", "sRGB", "-depth", "8",
                          "-format", "%%[pixel:p{%d,%d}]" % (x, y), "info:"],
                         check=True, capture_output=True, text=True).stdout
    return out


for name, points in [("cmyk.jpg", [(3, 3)]), ("ycck.jpg", [(3, 3)]),
                     ("rgb16.png", [(0, 0), (1, 0)]),
                     ("grey-alpha.png", [(0, 0), (1, 0)]), ("grey-alpha16.png", [(0, 0), (1, 0)]),
                     ("palette.png", [(x, 0) for x in range(4)]),
                     ("palette-grey.png", [(x, 0) for x in range(4)]),
                     ("bilevel.png", [(x, 0) for x in range(8)]),
                     ("exif-orientation-6.jpg", [(1, 1), (6, 2)])]:
    im = Image.open(name)
    rgb = im.convert("RGB")
    print(name, im.mode, im.size)
    for x, y in points:
        print("  (%d,%d) Pillow RGB %s, ImageMagick %s" % (x, y, rgb.getpixel((x, y)),
                                                           magick(name, x, y)))
upright = ImageOps.exif_transpose(Image.open("exif-orientation-6.jpg"))
print("exif-orientation-6.jpg after Pillow's exif_transpose:", upright.size,
      upright.getpixel((1, 1)), upright.getpixel((2, 6)))
print("ImageMagick's orientation:", subprocess.run(
    ["identify", "-format", "%w x %h %[orientation]", "exif-orientation-6.jpg"],
    check=True, capture_output=True, text=True).stdout)
