import { PLOTLY_FILE } from "../../names";

/**
 * plotly.js, loaded once per page from this extension's own static folder.
 * `gradient-lab kernel install` puts the minified plotly.js there beside the
 * extension's code, so nothing comes from the network and webpack never has
 * to bundle 4.8 MB of it. The folder's URL is where the page loaded our
 * `remoteEntry` from: webpack's public path (the builder sets it to "auto").
 */

export interface PlotlyApi {
  react(node: HTMLElement, figure: object): Promise<unknown>;
  purge(node: HTMLElement): void;
  Plots: { resize(node: HTMLElement): Promise<unknown> | void };
}

declare const __webpack_public_path__: string;
declare global {
  interface Window {
    Plotly?: PlotlyApi;
  }
}

let loading: Promise<PlotlyApi> | undefined;

/** This extension's static folder, where plotly.js and the maps (topojson/) lie beside our code. */
export function staticFolderUrl(): URL {
  return new URL(__webpack_public_path__, document.baseURI);
}

export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= new Promise<PlotlyApi>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL(PLOTLY_FILE, staticFolderUrl()).href;
    script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error(`${script.src} loaded but defined no Plotly`)));
    script.onerror = () => reject(new Error(`This figure needs ${script.src}; run 'gradient-lab kernel install' again to put plotly.js there.`));
    document.head.appendChild(script);
  });
  return loading;
}
