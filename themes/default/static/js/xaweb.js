/* xaweb: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  // "Print this page" buttons are hidden in the HTML (window.print needs JS).
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }

  // The main menu is a <details> disclosure. On wide screens open it so the
  // CSS shows it as a bar (browsers with ::details-content do not need this);
  // on narrow screens keep it closed until the visitor opens it.
  var menu = document.querySelector("details.menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48em)");
    var sync = function () { menu.open = wide.matches; };
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);
    else if (wide.addListener) wide.addListener(sync);

    // Escape closes the open menu on a phone and returns focus to its button.
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
})();
