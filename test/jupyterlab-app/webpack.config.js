// Builds the JupyterLab 3.6 frontend into build/, as JupyterLab's own dev_mode
// does in one respect that examples/app does not: Module Federation, so that
// prebuilt ("federated") labextensions found by the server load into it.
const fs = require("fs");
const path = require("path");
const webpack = require("webpack");
const { Build } = require("@jupyterlab/builder");
const app = require("./package.json");

const BUILD = path.resolve(__dirname, "build");
const NODE_MODULES = path.resolve(__dirname, "node_modules");

// Copies each plugin package's settings schemas into build/schemas, writes
// build/style.js (one import per package's CSS) and returns the webpack
// configs that extract the light and dark themes into build/themes.
const pluginPackages = Object.keys(app.dependencies).filter((name) => name.endsWith("-extension"));
const themeConfigs = Build.ensureAssets({ packageNames: pluginPackages, output: BUILD });

// A labextension finds JupyterLab's own packages in the share scope, never
// bundles a second copy: two @lumino/widgets or two React in one page break
// the page. So every @jupyterlab/*, @lumino/* and React package installed
// here is offered as a singleton.
function installedIn(scope) {
  return fs.readdirSync(path.join(NODE_MODULES, scope)).map((name) => `${scope}/${name}`);
}
const singletons = [...installedIn("@jupyterlab"), ...installedIn("@lumino"), "react", "react-dom"].filter(
  (name) => name !== "@jupyterlab/builder",
);
const shared = Object.fromEntries(
  singletons.map((name) => {
    const { version } = require(path.join(NODE_MODULES, name, "package.json"));
    return [name, { singleton: true, version, requiredVersion: `^${version}` }];
  }),
);

const frontend = {
  mode: "development",
  devtool: false,
  entry: { bootstrap: path.join(__dirname, "bootstrap.js") },
  output: {
    path: BUILD,
    filename: "[name].js",
    chunkFilename: "[name].[contenthash].js",
    // The real prefix (the server's static URL) is set at run time in bootstrap.js.
    publicPath: "auto",
  },
  resolve: {
    // JupyterLab 3 packages still reach for a few Node built-ins.
    fallback: { path: require.resolve("path-browserify"), process: require.resolve("process/browser"), url: false, buffer: false, crypto: false },
  },
  module: {
    rules: [
      { test: /\.css$/, use: ["style-loader", "css-loader"] },
      { test: /\.txt$/, type: "asset/source" },
      { test: /\.md$/, type: "asset/source" },
      // Icons imported by JavaScript are strings of SVG; those a stylesheet names are data URLs.
      { test: /\.svg$/, issuer: /\.css$/, type: "asset/inline" },
      { test: /\.svg$/, issuer: /\.[jt]sx?$/, type: "asset/source" },
      { test: /\.(png|jpg|gif|ttf|woff|woff2|eot|otf)(\?v=[0-9]\.[0-9]\.[0-9])?$/, type: "asset/resource" },
    ],
  },
  plugins: [
    new webpack.ProvidePlugin({ process: require.resolve("process/browser") }),
    new webpack.container.ModuleFederationPlugin({
      name: "GRADIENT_LAB_TEST_LAB",
      shared,
    }),
  ],
  performance: { hints: false },
  stats: "errors-warnings",
};

module.exports = [frontend, ...themeConfigs];
