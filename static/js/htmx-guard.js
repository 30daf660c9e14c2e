// htmx 4 re-creates every <script> of swapped HTML and has no setting to stop it. The CSP
// already refuses inline code and other origins; this also drops script elements from each
// fragment before it reaches the page, so no swapped response ever runs a script.
(function () {
  "use strict";
  document.addEventListener("htmx:before:swap", function (event) {
    (event.detail.tasks || []).forEach(function (task) {
      var fragment = task.fragment;
      if (!fragment || !fragment.querySelectorAll) { return; }
      fragment.querySelectorAll("script").forEach(function (script) { script.remove(); });
    });
  });
})();
