// Shows a follow-up question only while the earlier answer on the same screen matches its
// condition (data-condition, written by the server). The server checks the same rule again
// when the answers arrive, so this only spares the customer questions that do not apply.
(function () {
  "use strict";
  var RATING = {
    "<=": function (a, b) { return a <= b; },
    "<": function (a, b) { return a < b; },
    ">=": function (a, b) { return a >= b; },
    ">": function (a, b) { return a > b; },
    "=": function (a, b) { return a === b; },
    "!=": function (a, b) { return a !== b; }
  };

  function chosen(form, field) {
    var values = [];
    form.querySelectorAll("input").forEach(function (input) {
      if (input.name === field && input.checked) { values.push(input.value); }
    });
    return values;
  }

  function shown(form, field) {
    var input = Array.prototype.find.call(form.querySelectorAll("input"), function (element) {
      return element.name === field;
    });
    return Boolean(input) && !input.closest("[hidden]");
  }

  function holds(rule, values) {
    if (rule.op === "includes") { return values.indexOf(rule.value) >= 0; }
    if (rule.op === "excludes") { return values.indexOf(rule.value) < 0; }
    var compare = RATING[rule.op];
    return Boolean(compare) && values.length === 1 && compare(Number(values[0]), rule.value);
  }

  function update() {
    // Document order: a question depending on a hidden one is hidden too.
    document.querySelectorAll("[data-condition]").forEach(function (element) {
      var rule = JSON.parse(element.dataset.condition);
      var form = element.closest("form");
      element.hidden = !(form && shown(form, rule.field) && holds(rule, chosen(form, rule.field)));
    });
  }

  document.addEventListener("change", update);
  document.addEventListener("htmx:after:swap", update);
  document.addEventListener("DOMContentLoaded", update);
})();
