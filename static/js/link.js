// Link mode on the phone: after htmx swaps in the next screen, move focus to its heading
// so screen readers announce it and keyboard users continue from there.
(function () {
  "use strict";
  document.addEventListener("htmx:after:swap", function () {
    var heading = document.querySelector("#screen h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  });
})();
