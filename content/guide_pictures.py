"""Simple, high-contrast drawings for the demo guides, made with Pillow when the demo is built.

Each drawing is a phone (or a counter, a card) with one thing on it that the step is about: a
big button, the boxes for a code, an incoming call. They hold no words, so one drawing serves
the Chinese and the English guide; each page's alt text says what it shows in its language.
"""

import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PillowImage
from PIL import ImageDraw

WIDTH, HEIGHT = 960, 1200  # twice the largest size a guide shows (480 CSS px wide)
INK = "#1a1a1a"
SCREEN = "#ffffff"
GREY = "#6b6b6b"
LIGHT = "#d9d9d9"
GREEN = "#00592b"
RED = "#a50e0e"
BLUE = "#0b4a8b"
YELLOW = "#ffd500"
BACKGROUND = "#eef3f8"

# The phone's screen, where each scene is drawn.
SCREEN_BOX = (250, 150, 710, 1010)


# Change it when a drawing changes, so the demo draws the pictures again.
DRAWINGS_VERSION = 1


def draw(scene, highlight=None):
    """The PNG bytes of one scene (see ``SCENES``); ``highlight`` picks a variant of it."""
    picture = PillowImage.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(picture)
    SCENES[scene](pen, highlight)
    # Few colours: a palette keeps the original small (the guide shows renditions of it).
    picture = picture.quantize(colors=16)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def picture_file(scene, highlight=None):
    """The stored file of a scene: drawn and saved the first time, found after that (the demo
    is built again in every test session, and must neither redraw nor pile up copies)."""
    name = f"{scene}-{highlight}" if highlight else scene
    key = hashlib.sha1(f"{DRAWINGS_VERSION}:{name}".encode()).hexdigest()[:8]  # noqa: S324
    path = f"original_images/guide-{name}-{key}.png"
    if default_storage.exists(path):
        return path
    # Another process drawing it at the same moment gets a name of its own: use what was saved.
    return default_storage.save(path, ContentFile(draw(scene, highlight)))


# --- The phone and what its screen shows ------------------------------------


def _phone(pen):
    pen.rounded_rectangle((220, 60, 740, 1140), radius=70, fill=INK)
    pen.rectangle(SCREEN_BOX, fill=SCREEN)
    pen.ellipse((445, 1040, 515, 1110), outline=GREY, width=8)


def _title_bar(pen, colour=BLUE):
    left, top, right, _bottom = SCREEN_BOX
    pen.rectangle((left, top, right, top + 90), fill=colour)


def _lines(pen, top, count=3):
    left, _top, right, _bottom = SCREEN_BOX
    for row in range(count):
        y = top + row * 60
        pen.rounded_rectangle((left + 40, y, right - 40 - row * 70, y + 28), radius=14, fill=LIGHT)


def _tap(pen, x, y):
    """A ring where the finger goes."""
    pen.ellipse((x - 60, y - 60, x + 60, y + 60), outline=YELLOW, width=18)
    pen.ellipse((x - 70, y - 70, x + 70, y + 70), outline=INK, width=6)


def _big_button(pen, top, colour=GREEN, tap=True):
    left, _top, right, _bottom = SCREEN_BOX
    pen.rounded_rectangle((left + 40, top, right - 40, top + 150), radius=24, fill=colour)
    pen.rounded_rectangle((left + 140, top + 60, right - 140, top + 90), radius=14, fill=SCREEN)
    if tap:
        _tap(pen, right - 120, top + 110)


def _button_scene(pen, highlight):
    _phone(pen)
    _title_bar(pen)
    _lines(pen, 300)
    _big_button(pen, 700, colour={"red": RED, "blue": BLUE}.get(highlight, GREEN))


def _phone_number_scene(pen, highlight):
    _phone(pen)
    _title_bar(pen)
    left, _top, right, _bottom = SCREEN_BOX
    pen.rounded_rectangle((left + 40, 330, right - 40, 470), radius=16, outline=INK, width=8)
    for digit in range(8):
        x = left + 80 + digit * 42
        pen.ellipse((x, 385, x + 26, 411), fill=INK)
    _big_button(pen, 700)


def _code_scene(pen, highlight):
    _phone(pen)
    _title_bar(pen)
    _lines(pen, 290, count=2)
    left, _top, _right, _bottom = SCREEN_BOX
    for box in range(6):
        x = left + 30 + box * 68
        pen.rounded_rectangle((x, 480, x + 56, 580), radius=10, outline=INK, width=6)
        pen.ellipse((x + 16, 518, x + 40, 542), fill=INK)
    _big_button(pen, 760)


def _list_scene(pen, highlight):
    _phone(pen)
    _title_bar(pen)
    left, _top, right, _bottom = SCREEN_BOX
    chosen = int(highlight or 1)
    for row in range(4):
        top = 300 + row * 160
        colour = BLUE if row == chosen else LIGHT
        pen.rounded_rectangle((left + 40, top, right - 40, top + 120), radius=16, fill=colour)
        pen.rounded_rectangle(
            (left + 80, top + 45, right - 160, top + 75),
            radius=14,
            fill=SCREEN if row == chosen else GREY,
        )
    _tap(pen, right - 110, 300 + chosen * 160 + 60)


def _calendar_scene(pen, highlight):
    _phone(pen)
    _title_bar(pen)
    left, _top, _right, _bottom = SCREEN_BOX
    for row in range(4):
        for column in range(4):
            x, y = left + 45 + column * 95, 290 + row * 95
            chosen = (row, column) == (2, 1)
            pen.rounded_rectangle(
                (x, y, x + 80, y + 80), radius=10, fill=GREEN if chosen else LIGHT
            )
    _tap(pen, left + 45 + 95 + 40, 290 + 2 * 95 + 40)
    _big_button(pen, 760, tap=False)


def _car_scene(pen, highlight):
    _phone(pen)
    _title_bar(pen, GREEN)
    left, _top, right, _bottom = SCREEN_BOX
    middle = (left + right) // 2
    pen.rounded_rectangle(
        (middle - 170, 380, middle + 170, 520), radius=30, fill=YELLOW, outline=INK, width=8
    )
    pen.rounded_rectangle(
        (middle - 100, 320, middle + 100, 400), radius=20, fill=YELLOW, outline=INK, width=8
    )
    for x in (middle - 100, middle + 100):
        pen.ellipse((x - 45, 480, x + 45, 570), fill=INK)
    # The plate, to read out to the driver.
    pen.rounded_rectangle(
        (left + 60, 660, right - 60, 780), radius=12, fill=SCREEN, outline=BLUE, width=10
    )
    pen.rounded_rectangle((left + 110, 705, right - 110, 735), radius=14, fill=INK)
    _lines(pen, 840, count=2)


def _call_scene(pen, highlight):
    """An incoming call: who calls, and the green and red buttons (one of them to press)."""
    _phone(pen)
    left, _top, right, _bottom = SCREEN_BOX
    middle = (left + right) // 2
    pen.ellipse((middle - 90, 260, middle + 90, 440), fill=LIGHT, outline=INK, width=6)
    pen.ellipse((middle - 40, 300, middle + 40, 380), fill=GREY)
    _lines(pen, 500, count=2)
    for x, colour in ((left + 110, RED), (right - 110, GREEN)):
        pen.ellipse((x - 70, 800, x + 70, 940), fill=colour)
    if highlight == "red":
        _tap(pen, left + 110, 870)
    elif highlight == "green":
        _tap(pen, right - 110, 870)
    if highlight == "warning":
        pen.polygon(
            [(middle, 600), (middle - 90, 760), (middle + 90, 760)], fill=YELLOW, outline=INK
        )
        pen.rectangle((middle - 10, 640, middle + 10, 715), fill=INK)
        pen.ellipse((middle - 12, 725, middle + 12, 749), fill=INK)


def _video_scene(pen, highlight):
    _phone(pen)
    left, top, right, bottom = SCREEN_BOX
    pen.rectangle(SCREEN_BOX, fill="#cfe3f5")
    _person(pen, (left + right) // 2, 330, 1.4)
    pen.rounded_rectangle(
        (right - 170, top + 30, right - 30, top + 230), radius=12, fill=LIGHT, outline=INK, width=5
    )
    _person(pen, right - 100, top + 90, 0.5)
    pen.ellipse((left + 160, bottom - 180, left + 300, bottom - 40), fill=RED)
    if highlight == "hang-up":
        _tap(pen, left + 230, bottom - 110)


def _person(pen, x, y, scale=1.0):
    head = int(70 * scale)
    pen.ellipse((x - head, y - head, x + head, y + head), fill=GREY, outline=INK, width=5)
    body = int(130 * scale)
    pen.pieslice((x - body, y + head, x + body, y + head + 2 * body), 180, 360, fill=BLUE)


def _message_scene(pen, highlight):
    """A text message arrives."""
    _phone(pen)
    _title_bar(pen)
    left, _top, right, _bottom = SCREEN_BOX
    pen.rounded_rectangle((left + 30, 300, right - 60, 560), radius=30, fill=LIGHT)
    pen.polygon([(left + 60, 540), (left + 60, 620), (left + 140, 555)], fill=LIGHT)
    for row in range(3):
        pen.rounded_rectangle(
            (left + 70, 350 + row * 60, right - 120 - row * 60, 378 + row * 60),
            radius=14,
            fill=GREY,
        )
    if highlight == "tick":
        _tick(pen, (left + right) // 2, 800)


def _tick(pen, x, y):
    pen.ellipse((x - 110, y - 110, x + 110, y + 110), fill=GREEN)
    pen.line([(x - 55, y), (x - 10, y + 50), (x + 60, y - 45)], fill=SCREEN, width=28)


def _help_scene(pen, highlight):
    """The help bar's "ask a person" button, or a person calling back."""
    _phone(pen)
    _title_bar(pen)
    left, _top, right, _bottom = SCREEN_BOX
    _person(pen, (left + right) // 2, 380, 1.0)
    _big_button(pen, 720, colour=BLUE if highlight == "call-back" else GREEN)


def _card_scene(pen, highlight):
    """An ID or insurance card, with a small photo beside it when ``highlight`` asks."""
    pen.rounded_rectangle((130, 330, 830, 790), radius=36, fill=SCREEN, outline=INK, width=10)
    pen.rectangle((180, 400, 400, 660), fill=LIGHT, outline=INK, width=6)
    _person(pen, 290, 480, 0.6)
    for row in range(4):
        pen.rounded_rectangle(
            (450, 420 + row * 60, 770 - row * 40, 448 + row * 60), radius=14, fill=GREY
        )
    pen.rectangle((130, 700, 830, 740), fill=BLUE if highlight != "medical" else GREEN)
    if highlight == "photo":
        pen.rectangle((560, 860, 760, 1120), fill=SCREEN, outline=INK, width=8)
        _person(pen, 660, 950, 0.5)


def _counter_scene(pen, highlight):
    """A community centre's counter, with a member of staff behind it."""
    pen.rectangle((0, 0, WIDTH, 200), fill=BLUE)
    pen.rounded_rectangle((330, 70, 630, 130), radius=20, fill=SCREEN)
    _person(pen, 480, 420, 1.3)
    pen.rectangle((60, 700, 900, 1000), fill="#8a5a2b", outline=INK, width=10)
    pen.rectangle((300, 640, 660, 720), fill=SCREEN, outline=INK, width=6)
    if highlight == "face":
        pen.rounded_rectangle((620, 300, 860, 620), radius=20, fill=INK)
        pen.ellipse((680, 380, 800, 500), outline=GREEN, width=12)


SCENES = {
    "button": _button_scene,
    "phone-number": _phone_number_scene,
    "code": _code_scene,
    "list": _list_scene,
    "calendar": _calendar_scene,
    "car": _car_scene,
    "call": _call_scene,
    "video": _video_scene,
    "message": _message_scene,
    "help": _help_scene,
    "card": _card_scene,
    "counter": _counter_scene,
}
