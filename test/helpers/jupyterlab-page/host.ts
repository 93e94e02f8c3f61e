import type * as nbformat from "@jupyterlab/nbformat";
import { OutputArea, OutputAreaModel } from "@jupyterlab/outputarea";
import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import * as luminoWidgets from "@lumino/widgets";

/**
 * Browser code, bundled by esbuild into a test page: JupyterLab 4's own
 * output code (the rendermime registry with JupyterLab's standard renderers,
 * and the OutputArea a notebook cell uses), plus what JupyterLab does to load
 * a prebuilt extension: run its remoteEntry, hand the container a webpack
 * share scope holding the page's own packages, and register the renderer the
 * extension exports.
 */

declare const LUMINO_WIDGETS_VERSION: string;

interface FederatedContainer {
  init(shareScope: object): Promise<void> | void;
  get(module: string): Promise<() => { default: IRenderMime.IExtension | IRenderMime.IExtension[] }>;
}

const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
const areas: OutputArea[] = [];

/** The shared scope JupyterLab's bootstrap fills: each package once, the page's copy, offered to every extension. */
const shareScope = {
  "@lumino/widgets": { [LUMINO_WIDGETS_VERSION]: { get: () => Promise.resolve(() => luminoWidgets), from: "jupyterlab-output-page", eager: true, loaded: 1 } },
};

async function loadLabextension(remoteEntryUrl: string, name: string): Promise<string[]> {
  await new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = remoteEntryUrl;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${remoteEntryUrl}`));
    document.head.appendChild(script);
  });
  const container = (window as unknown as { _JUPYTERLAB?: Record<string, FederatedContainer> })._JUPYTERLAB?.[name];
  if (!container) throw new Error(`${remoteEntryUrl} registered no _JUPYTERLAB["${name}"]`);
  await container.init(shareScope);
  const exported = (await container.get("./mimeExtension"))().default;
  const extensions = Array.isArray(exported) ? exported : [exported];
  for (const extension of extensions) rendermime.addFactory(extension.rendererFactory, extension.rank);
  return extensions.map((extension) => extension.id);
}

/** One cell's worth of stored outputs in a JupyterLab OutputArea, appended to the page in a <section data-label>. */
function showOutputs(outputs: nbformat.IOutput[], trusted: boolean, label: string): void {
  const area = new OutputArea({ model: new OutputAreaModel({ values: outputs, trusted }), rendermime });
  const section = document.createElement("section");
  section.dataset.label = label;
  document.body.appendChild(section);
  luminoWidgets.Widget.attach(area, section);
  areas.push(area);
}

/** What JupyterLab does when a cell is cleared or a notebook closed. */
function disposeAll(): void {
  for (const area of areas.splice(0)) area.dispose();
}

(window as unknown as { jupyterlabPage: object }).jupyterlabPage = { loadLabextension, showOutputs, disposeAll, preferredMimeType: (bundle: Record<string, unknown>, trusted: boolean) => rendermime.preferredMimeType(bundle as never, trusted ? "any" : "ensure") };
