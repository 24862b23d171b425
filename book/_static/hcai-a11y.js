/*
 * Small accessibility fixes for the course book (see ACCESSIBILITY.md).
 * Loaded synchronously in <head>, so the first part runs before the theme's deferred scripts.
 */
(function () {
  "use strict";

  // A fresh browser profile has no stored colour mode, so the theme's head script sets
  // data-mode="" and the theme then logs "Got invalid theme mode" as a console error.
  // "auto" (follow the system setting) is what the theme falls back to anyway.
  var root = document.documentElement;
  if (!root.dataset.mode) {
    root.dataset.mode = "auto";
  }

  var modeNames = { light: "light", dark: "dark", auto: "system setting" };

  function nameColourSwitch() {
    // The switch shows one icon for the current mode; say the same thing in its name, so the
    // name still starts with the visible label "Color mode" (WCAG 2.5.3).
    var mode = modeNames[root.dataset.mode] || modeNames.auto;
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      button.setAttribute("aria-label", "Color mode: " + mode);
    });
  }

  function nameSidebarToggles() {
    // Name each expand/collapse toggle in the sidebar after the section it opens.
    document.querySelectorAll(".bd-sidenav details > summary").forEach(function (summary) {
      var link = summary.parentElement.parentElement.querySelector(":scope > a");
      if (link && link.textContent.trim()) {
        summary.setAttribute("aria-label", "Subsections of " + link.textContent.trim());
      }
    });
  }

  function forwardSidebarToggles() {
    // pydata-sphinx-theme and sphinx-book-theme each bind only the first ".primary-toggle" /
    // ".secondary-toggle" on the page: the one in the navbar, which this theme hides. The
    // visible buttons in the article header did nothing, so on a phone the navigation could
    // not be opened at all. Pass their clicks (and so Enter and Space) to the bound button.
    [".primary-toggle", ".secondary-toggle"].forEach(function (selector) {
      var buttons = document.querySelectorAll(selector);
      var bound = buttons[0];
      Array.prototype.slice.call(buttons, 1).forEach(function (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          bound.click();
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    forwardSidebarToggles();
    nameSidebarToggles();
    nameColourSwitch();
    new MutationObserver(nameColourSwitch).observe(root, {
      attributes: true,
      attributeFilter: ["data-mode"],
    });
  });
})();
