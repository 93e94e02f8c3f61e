// JupyterLab 3.6 with a fixed set of core plugins (the packages listed in
// package.json) plus whatever prebuilt labextensions bootstrap.js loaded.
import { JupyterLab } from "@jupyterlab/application";
import "./build/style.js";

const corePlugins = [
  import("@jupyterlab/application-extension"),
  import("@jupyterlab/apputils-extension"),
  import("@jupyterlab/codemirror-extension"),
  import("@jupyterlab/completer-extension"),
  import("@jupyterlab/console-extension"),
  import("@jupyterlab/docmanager-extension"),
  import("@jupyterlab/docprovider-extension"),
  import("@jupyterlab/filebrowser-extension"),
  import("@jupyterlab/fileeditor-extension"),
  import("@jupyterlab/launcher-extension"),
  import("@jupyterlab/mainmenu-extension"),
  import("@jupyterlab/mathjax2-extension"),
  import("@jupyterlab/notebook-extension"),
  import("@jupyterlab/rendermime-extension"),
  import("@jupyterlab/statusbar-extension"),
  import("@jupyterlab/theme-dark-extension"),
  import("@jupyterlab/theme-light-extension"),
  import("@jupyterlab/translation-extension"),
  import("@jupyterlab/ui-components-extension"),
];

/** A plugin module exports one plugin or an array of them, as an ES module default or as CommonJS. */
function pluginsOf(module) {
  const exported = Object.prototype.hasOwnProperty.call(module, "__esModule") || "default" in module ? module.default : module;
  return Array.isArray(exported) ? exported : [exported];
}

/** The module a federated extension exposes under `key` ("extension", "mimeExtension", "style"). */
async function exposed(extension, key) {
  const factory = await window._JUPYTERLAB[extension.name].get(extension[key]);
  return factory();
}

export async function startJupyterLab(federatedExtensions) {
  const mimeExtensions = [];
  const plugins = (await Promise.all(corePlugins)).flatMap(pluginsOf);
  for (const extension of federatedExtensions) {
    if (extension.extension) plugins.push(...pluginsOf(await exposed(extension, "extension")));
    if (extension.mimeExtension) mimeExtensions.push(...pluginsOf(await exposed(extension, "mimeExtension")));
    if (extension.style) await exposed(extension, "style");
  }
  const lab = new JupyterLab({ mimeExtensions });
  lab.registerPlugins(plugins);
  await lab.start();
  await lab.restored;
  // The test drives the application through its command registry.
  window.jupyterapp = lab;
}
