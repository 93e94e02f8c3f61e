// Runs in <head> before the page paints, so a reader's chosen theme shows
// without a flash of the other one. The choice is kept per browser.
(function () {
  try {
    var theme = window.localStorage.getItem("gl-theme");
    if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
  } catch (e) {
    // Storage can be disabled (private mode, some file:// settings): the system theme then applies.
  }
})();
