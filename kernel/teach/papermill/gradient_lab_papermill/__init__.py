"""papermill's parameters, written as TypeScript for the gradient-lab kernel.

papermill picks a translator by kernel name, then by language, from an
in-process registry, and ships none for TypeScript. It has no plug-in hook
for translators, but it loads every ``papermill.engine`` entry point when it
is imported, so this package declares one: importing it registers
``TypeScriptTranslator`` for the ``typescript`` language and the
``gradient-lab`` kernel. The engine itself is papermill's own nbclient
engine under another name (``--engine typescript`` changes nothing).

The injected cell is the one ``gradient-lab run -p`` writes
(``kernel/teach/inject.ts``): a ``// Parameters`` line, then one
``const NAME = <JSON>;`` per value. A later cell may redeclare a ``const``
in the kernel, and the cells after it see the new value.
"""

# papermill loads our engine entry point while it is imported itself: importing it first, whatever the
# caller imports from here, lets that nested load finish before anything below uses papermill.
import papermill  # noqa: E402,F401
