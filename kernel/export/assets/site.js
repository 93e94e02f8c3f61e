// The site's one script. It draws every figure from its JSON data island
// (<script type="application/json"> written by the exporter, never notebook
// code), switches the theme, and unfolds code for printing.
(function () {
  "use strict";

  var PRINT_FG = "#000000";
  var PRINT_GRID = "#cccccc";
  var printing = false;

  function currentTheme() {
    var chosen = document.documentElement.getAttribute("data-theme");
    if (chosen === "light" || chosen === "dark") return chosen;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  // A figure that chooses its own background (or template) is drawn exactly
  // as authored, a light card on a dark page if need be. One that leaves them
  // unset gets a transparent background and the theme's text and grid colours.
  function themedLayout(layout) {
    var out = JSON.parse(JSON.stringify(layout || {}));
    if (out.paper_bgcolor !== undefined || out.plot_bgcolor !== undefined || out.template !== undefined) return out;
    var style = window.getComputedStyle(document.documentElement);
    // Paper is white whatever the screen's theme, so printed figures take black text.
    var fg = printing ? PRINT_FG : style.getPropertyValue("--gl-fg").trim();
    var grid = printing ? PRINT_GRID : style.getPropertyValue("--gl-grid").trim();
    out.paper_bgcolor = "rgba(0,0,0,0)";
    out.plot_bgcolor = "rgba(0,0,0,0)";
    out.font = out.font || {};
    if (out.font.color === undefined) out.font.color = fg;
    Object.keys(out).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key) && out[key] && out[key].gridcolor === undefined) out[key].gridcolor = grid;
    });
    if (out.xaxis === undefined) out.xaxis = { gridcolor: grid };
    if (out.yaxis === undefined) out.yaxis = { gridcolor: grid };
    return out;
  }

  function figureFor(island) {
    var figure = { data: island.data, layout: themedLayout(island.layout), config: island.config || {} };
    if (island.frames) figure.frames = island.frames;
    return figure;
  }

  var drawn = [];

  // The maps geographic subplots draw on ship with the site (assets/topojson/, written by the exporter) as
  // scripts: a page opened from file:// may load scripts but not fetch files. Each one hands plotly.js its map
  // in window.PlotlyGeoAssets, where plotly.js looks before it would fetch from config.topojsonURL.
  var mapsLoading = {};

  function mapsFor(island) {
    var layout = island.layout || {};
    var subplots = Object.keys(layout).filter(function (key) { return /^geo\d*$/.test(key); });
    var geoTraces = (island.data || []).some(function (trace) { return trace && (trace.type === "scattergeo" || trace.type === "choropleth"); });
    if (geoTraces && subplots.indexOf("geo") < 0) subplots.push("geo");
    return subplots
      .map(function (key) {
        var geo = layout[key] || {};
        return String(geo.scope || "world").replace(/ /g, "-") + "_" + (geo.resolution || 110) + "m";
      })
      .filter(function (name) { return /^[a-z-]+_(50|110)m$/.test(name); });
  }

  function loadMap(name) {
    if (!mapsLoading[name]) {
      mapsLoading[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = "assets/topojson/" + name + ".js";
        script.onload = resolve;
        script.onerror = function () { reject(new Error("its map " + script.getAttribute("src") + " did not load")); };
        document.head.appendChild(script);
      });
    }
    return mapsLoading[name];
  }

  function draw(figure) {
    var island = figure.querySelector("script.gl-figure-data");
    var box = figure.querySelector(".gl-plot");
    if (!island || !box) return;
    if (!window.Plotly) {
      box.textContent = "This figure needs assets/plotly.js, which did not load.";
      return;
    }
    var data;
    try {
      data = JSON.parse(island.textContent || "");
    } catch (e) {
      box.textContent = "This figure's data could not be read.";
      return;
    }
    drawn.push({ box: box, figure: data });
    Promise.all(mapsFor(data).map(loadMap))
      .then(function () { return window.Plotly.newPlot(box, figureFor(data)); })
      .catch(function (error) {
        // One line instead of an empty box.
        box.textContent = "This figure could not be drawn: " + (error && error.message ? error.message : String(error));
      });
  }

  function redrawAll() {
    drawn.forEach(function (item) {
      window.Plotly.react(item.box, figureFor(item.figure));
    });
  }

  function setUpThemeToggle() {
    var button = document.querySelector(".gl-theme-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      try {
        window.localStorage.setItem("gl-theme", next);
      } catch (e) {
        // Not remembered, but still switched for this page.
      }
      redrawAll();
    });
  }

  // Folded code is printed open: a handout should show what the page hides.
  // Figures are redrawn in print colours, and back again afterwards. Printing
  // is the print dialog (beforeprint/afterprint) or print media (print
  // preview, emulation), whichever says so.
  function setUpPrinting() {
    var inPrintDialog = false;
    var query = window.matchMedia ? window.matchMedia("print") : null;
    var opened = [];
    function update() {
      var now = inPrintDialog || (query !== null && query.matches);
      if (now && opened.length === 0) {
        document.querySelectorAll("details.gl-fold:not([open])").forEach(function (d) {
          d.setAttribute("open", "");
          opened.push(d);
        });
      } else if (!now) {
        opened.forEach(function (d) { d.removeAttribute("open"); });
        opened = [];
      }
      if (now !== printing) {
        printing = now;
        redrawAll();
      }
    }
    window.addEventListener("beforeprint", function () { inPrintDialog = true; update(); });
    window.addEventListener("afterprint", function () { inPrintDialog = false; update(); });
    if (query && query.addEventListener) query.addEventListener("change", update);
  }

  setUpThemeToggle();
  setUpPrinting();
  document.querySelectorAll("figure.gl-figure").forEach(draw);
})();
