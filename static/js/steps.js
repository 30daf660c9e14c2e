// The follow-up one step at a time, so it fits the tablet without scrolling: each question is
// a step (data-step), Next or Skip goes on, Back goes back, and the one submit button sends the
// whole form from any step ("Send now", then "Send" on the last). Without this script every
// step shows and the form works as one. Steps are shown and hidden with a class, not the
// hidden attribute: that one belongs to conditions.js, which must still see the earlier answers.
(function () {
  "use strict";

  function fields(step) {
    return Array.prototype.filter.call(step.querySelectorAll("input, textarea, select"), function (field) {
      return field.type !== "hidden" && !field.closest("[hidden]");
    });
  }

  // A step counts while it has a question to show: a condition may have hidden all of it.
  function liveSteps(form) {
    return Array.prototype.filter.call(form.querySelectorAll("[data-step]"), function (step) {
      return fields(step).length > 0;
    });
  }

  function answered(step) {
    return fields(step).some(function (field) {
      return field.type === "checkbox" || field.type === "radio" ? field.checked : field.value.trim() !== "";
    });
  }

  function current(form) {
    var steps = liveSteps(form);
    var shown = form.querySelector("[data-step].step-current");
    return { steps: steps, index: Math.max(0, steps.indexOf(shown)) };
  }

  function show(form, step, focus) {
    form.querySelectorAll("[data-step]").forEach(function (each) {
      each.classList.toggle("step-current", each === step);
    });
    refresh(form);
    if (focus && step) { step.focus({ preventScroll: true }); }
  }

  // The buttons and the progress line for the step on screen.
  function refresh(form) {
    var at = current(form);
    var step = at.steps[at.index];
    var last = at.index >= at.steps.length - 1;
    var next = form.querySelector("[data-step-next]");
    var send = form.querySelector("button[type=submit]");
    var progress = form.querySelector("[data-step-progress]");
    form.querySelector("[data-step-back]").hidden = at.index === 0;
    next.hidden = last;
    next.textContent = step && answered(step) ? next.dataset.nextLabel : next.dataset.skipLabel;
    send.textContent = last ? send.dataset.sendLabel : send.dataset.sendNowLabel;
    send.classList.toggle("primary", last);
    send.classList.toggle("secondary", !last);
    progress.hidden = at.steps.length < 2;
    progress.textContent = progress.dataset.label
      .replace("{number}", number(at.index + 1)).replace("{count}", number(at.steps.length));
  }

  function number(value) {
    try { return value.toLocaleString(document.documentElement.lang); } catch (e) { return String(value); }
  }

  function move(form, by) {
    var at = current(form);
    var target = at.steps[Math.min(at.steps.length - 1, Math.max(0, at.index + by))];
    show(form, target, true);
  }

  function setUp() {
    document.querySelectorAll("form[data-steps]").forEach(function (form) {
      if (form.classList.contains("stepped")) { return; }
      form.classList.add("stepped");
      var steps = liveSteps(form);
      // After a refused send, open the first step that needs fixing.
      var wrong = steps.filter(function (step) { return step.querySelector(".field-error"); })[0];
      show(form, wrong || steps[0], false);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-step-next], [data-step-back]");
    if (!button || !button.form) { return; }
    move(button.form, button.hasAttribute("data-step-next") ? 1 : -1);
  });
  // Runs after conditions.js (loaded first) has shown or hidden the questions that depend on it.
  ["change", "input"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var form = event.target.closest && event.target.closest("form.stepped");
      if (form) { refresh(form); }
    });
  });
  document.addEventListener("htmx:after:swap", setUp);
  document.addEventListener("DOMContentLoaded", setUp);
})();
