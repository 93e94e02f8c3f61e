"""The Jupyter server for the JupyterLab app in build/: Debian's jupyter-server
1.23 and jupyterlab-server 2.16, with no `jupyterlab` Python package.

Prebuilt labextensions and kernelspecs are found the standard way, in the
data dirs on JUPYTER_PATH. MathJax comes from node_modules/mathjax, so
Markdown math renders with no network.

Run: python3 server.py --port=N --ServerApp.root_dir=DIR [--ServerApp.allow_root=True]
"""
import json
import os

from jupyterlab_server import LabServerApp
from tornado.web import StaticFileHandler
from traitlets import Unicode

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")
MATHJAX = os.path.join(HERE, "node_modules", "mathjax")

with open(os.path.join(HERE, "package.json"), encoding="utf-8") as package:
    VERSION = json.load(package)["version"]


def _jupyter_server_extension_points():
    # jupyter_server finds the app it starts by module name; run as a script, that is "__main__".
    return [{"module": __name__, "app": GradientLabTestLab}]


class GradientLabTestLab(LabServerApp):
    name = __name__
    extension_url = "/lab"
    app_url = "/lab"
    load_other_extensions = False
    app_name = "JupyterLab (gradient-lab test)"
    app_version = VERSION
    app_settings_dir = os.path.join(BUILD, "application_settings")
    schemas_dir = os.path.join(BUILD, "schemas")
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    themes_dir = os.path.join(BUILD, "themes")
    # Written to while the app runs: the caller points them at a temporary folder.
    user_settings_dir = Unicode("", config=True)
    workspaces_dir = Unicode("", config=True)

    def initialize_settings(self):
        super().initialize_settings()
        # Relative to the server's base URL (jupyter_server joins them); without it jupyterlab-server names a CDN.
        self.settings["mathjax_url"] = "mathjax/MathJax.js"

    def initialize_handlers(self):
        super().initialize_handlers()
        self.handlers.append((r"/mathjax/(.*)", StaticFileHandler, {"path": MATHJAX}))


if __name__ == "__main__":
    GradientLabTestLab.launch_instance()
