from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class CoreConfig(AppConfig):
    name = "withrefugees.core"
    label = "core"


class StaticFilesConfig(BaseStaticFilesConfig):
    """collectstatic without the parts of npm packages the site never serves: of the
    Noto Sans JP font (@fontsource) only the 400 and 700 weights are used (site.css)."""

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "*[1235689]00.css", "*-[1235689]00-normal.woff", "*-[1235689]00-normal.woff2",
        "cyrillic*.css", "japanese*.css", "latin*.css", "vietnamese*.css", "index.css",
        "*.scss", "*.css.ts", "*.d.ts", "metadata.json", "unicode.json", "CHANGELOG.md",
    ]
