// The dashboard's charts: Chart.js draws each canvas from the JSON data island it names, at
// load and again after every htmx swap. Colours and fonts come from the stylesheet, so the
// page needs no inline style or script (Chart.js sizes canvases through CSSOM, which the
// CSP allows). Typing a date switches the period to "chosen dates".
(function () {
  "use strict";

  function cssValue(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function valueAxis(data) {
    var percent = data.unit === "percent";
    return {
      beginAtZero: true,
      max: percent ? 100 : undefined,
      ticks: {
        precision: 0,
        callback: function (value) { return percent ? value + "%" : value; }
      },
      title: { display: true, text: data.series }
    };
  }

  function options(data) {
    var rtl = document.documentElement.dir === "rtl";
    var values = valueAxis(data);
    var categories = { ticks: { autoSkip: false } };
    // Right to left: bars start at the right and category labels stand on the right.
    if (data.horizontal) {
      values.reverse = rtl;
      categories.position = rtl ? "right" : "left";
    } else {
      categories.reverse = rtl;
      values.position = rtl ? "right" : "left";
    }
    return {
      indexAxis: data.horizontal ? "y" : "x",
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: document.documentElement.lang || "en",
      plugins: { legend: { display: false }, tooltip: { rtl: rtl } },
      scales: data.horizontal ? { x: values, y: categories } : { x: categories, y: values }
    };
  }

  function colours(data) {
    if (!data.tones) { return cssValue("--chart-bar"); }
    return data.tones.map(function (tone) { return cssValue("--chart-" + tone); });
  }

  function draw(canvas) {
    var island = document.getElementById(canvas.dataset.chart);
    if (!island) { return; }
    var existing = window.Chart.getChart(canvas);
    if (existing && existing.$source === island.textContent) { return; }
    if (existing) { existing.destroy(); }
    var data = JSON.parse(island.textContent);
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{
          label: data.series,
          data: data.values,
          backgroundColor: colours(data),
          maxBarThickness: 56
        }]
      },
      options: options(data)
    });
    chart.$source = island.textContent;
  }

  function drawAll() {
    if (!window.Chart) { return; }
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = cssValue("--ink");
    // Charts whose canvas a swap removed: stop their resize observers.
    Object.values(window.Chart.instances).forEach(function (chart) {
      if (!chart.canvas.isConnected) { chart.destroy(); }
    });
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("input", function (event) {
    if (!event.target.matches("[data-custom-date]")) { return; }
    var period = document.querySelector("[data-period-select]");
    if (period) { period.value = "custom"; }
  });
  document.addEventListener("htmx:after:swap", drawAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
