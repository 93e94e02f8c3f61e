// The page's first script. Before JupyterLab's own code runs, every prebuilt
// labextension the server lists (page_config `federated_extensions`, found in
// <data dir>/labextensions) is loaded and joined to the shared scope, so that
// its imports of @jupyterlab/* and @lumino/* get this page's copies.

const pageConfig = JSON.parse(document.getElementById("jupyter-config-data").textContent);

// Chunks are served from the server's static URL, known only now.
// eslint-disable-next-line no-undef
__webpack_public_path__ = `${pageConfig.fullStaticUrl}/`;

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`labextension script failed to load: ${url}`));
    document.head.appendChild(script);
  });
}

async function joinSharedScope(extension) {
  await loadScript(`${pageConfig.fullLabextensionsUrl}/${extension.name}/${extension.load}`);
  // A remoteEntry built by @jupyterlab/builder registers itself as window._JUPYTERLAB[<package name>].
  const container = window._JUPYTERLAB?.[extension.name];
  if (!container) throw new Error(`labextension ${extension.name}: its remoteEntry did not register _JUPYTERLAB["${extension.name}"]`);
  // eslint-disable-next-line no-undef
  await __webpack_init_sharing__("default");
  // eslint-disable-next-line no-undef
  await container.init(__webpack_share_scopes__.default);
}

void (async () => {
  const extensions = pageConfig.federated_extensions ?? [];
  const loaded = await Promise.allSettled(extensions.map(joinSharedScope));
  // One broken extension must not keep JupyterLab from starting; say which and why.
  const usable = extensions.filter((extension, index) => {
    const outcome = loaded[index];
    if (outcome.status === "rejected") console.error(outcome.reason);
    return outcome.status === "fulfilled";
  });
  const { startJupyterLab } = await import("./main.js");
  await startJupyterLab(usable);
})();
