"""System checks of step 2: the fonts of the card image and the poster (``social.E001``), and
twemoji-parser's emoji pattern that X's count uses (``social.E002``)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register("social")
def card_fonts_check(app_configs=None, **kwargs) -> list[Error]:
    """``social.E001`` for each of ``CARD_FONT_REGULAR``/``CARD_FONT_BOLD`` that is unset,
    missing or not a font Pillow can load (Noto Sans JP from the npm package
    ``@expo-google-fonts/noto-sans-jp``: ``npm ci``, run by ``make setup``). Without them
    no card image or poster can be drawn."""
    from PIL import ImageFont

    errors = []
    for name in ("CARD_FONT_REGULAR", "CARD_FONT_BOLD"):
        path = getattr(settings, name, None)
        problem = ""
        if not path:
            problem = "is not set"
        elif not Path(path).is_file():
            problem = f"names {path}, which does not exist"
        else:
            try:
                ImageFont.truetype(str(path), 12)
            except OSError as exc:
                problem = f"names {path}, which is not a font Pillow can load ({exc})"
        if problem:
            errors.append(Error(
                f"The font of the card images and posters (settings.{name}) {problem}.",
                hint="Install the npm packages (npm ci, or make setup): the fonts come from "
                     "@expo-google-fonts/noto-sans-jp in node_modules.",
                id="social.E001"))
    return errors


@register("social")
def emoji_pattern_check(app_configs=None, **kwargs) -> list[Error]:
    """``social.E002`` when twemoji-parser's emoji pattern (``counting.emoji_pattern_path``,
    from npm: ``npm ci``, run by ``make setup``) is missing or cannot be translated to
    Python. Without it the server cannot count a post's length on X as the browser does."""
    from .counting import EmojiPatternError, emoji_pattern

    try:
        emoji_pattern()
    except EmojiPatternError as exc:
        return [Error(
            f"The emoji pattern of X's count is unusable: {exc}.",
            hint="Install the npm packages (npm ci, or make setup): the pattern is "
                 "twemoji-parser's dist/lib/regex.js in node_modules, the one the browser's "
                 "twitter-text bundle holds. If twemoji-parser changed, teach "
                 "withrefugees.social.counting.js_regex_to_python its new syntax.",
            id="social.E002")]
    return []
