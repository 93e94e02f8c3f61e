"""What papermill's "papermill.engine" entry point loads: importing it registers the translator."""

from papermill.engines import NBClientEngine
from papermill.translators import papermill_translators

from .translator import TypeScriptTranslator


class TypeScriptEngine(NBClientEngine):
    """papermill's nbclient engine, unchanged: declared only so that papermill imports this module."""


papermill_translators.register("typescript", TypeScriptTranslator)
papermill_translators.register("gradient-lab", TypeScriptTranslator)
