// nivaran — draws the monitor dashboard's charts (Chart.js, vendored) from
// the JSON the server renders into the page (#chart-data). The tables below
// each chart carry the same figures, so nothing is lost without JavaScript.
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || !window.Chart) { return; }
  var d;
  try { d = JSON.parse(el.textContent); } catch (e) { return; }
  var C = window.Chart;
  C.defaults.font.family = getComputedStyle(document.body).fontFamily;
  C.defaults.font.size = 13;
  C.defaults.animation = false;
  C.defaults.maintainAspectRatio = false;
  var colours = { open: "#0b4f8a", overdue: "#b3261e", reported: "#5b3a99", registered: "#0b4f8a", disposed: "#1b7a3a",
    closed_satisfied: "#2e9d57", not_satisfied: "#b3261e" };

  function bars(id, s) {
    var canvas = document.getElementById(id);
    if (!canvas || !s || !s.names) { return; }
    var box = canvas.parentNode;
    if (s.names.length === 0) { box.classList.add("empty"); return; }
    // One band per row: a long list of districts gets a tall chart.
    box.style.height = Math.max(160, 26 * s.names.length * 1.6 + 70) + "px";
    new C(canvas, {
      type: "bar",
      data: { labels: s.names, datasets: [
        { label: d.labels.open, data: s.open, backgroundColor: colours.open },
        { label: d.labels.overdue, data: s.overdue, backgroundColor: colours.overdue },
        { label: d.labels.reported, data: s.reported, backgroundColor: colours.reported }
      ] },
      options: { indexAxis: "y", responsive: true, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "top" } } }
    });
  }

  function trends(id, t) {
    var canvas = document.getElementById(id);
    if (!canvas || !t || !t.months) { return; }
    function line(label, data, colour) {
      return { label: label, data: data, borderColor: colour, backgroundColor: colour, tension: 0.2, pointRadius: 3 };
    }
    new C(canvas, {
      type: "line",
      data: { labels: t.months, datasets: [
        line(d.labels.registered, t.registered, colours.registered),
        line(d.labels.disposed, t.disposed, colours.disposed),
        line(d.labels.closed_satisfied, t.closed_satisfied, colours.closed_satisfied),
        line(d.labels.not_satisfied, t.not_satisfied, colours.not_satisfied)
      ] },
      options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  bars("chart-districts", d.districts);
  bars("chart-departments", d.departments);
  trends("chart-trends", d.trends);
  document.documentElement.setAttribute("data-charts", "drawn");

  // Paper is narrower than the screen: redraw at the printed width.
  window.addEventListener("beforeprint", function () {
    Object.values(C.instances).forEach(function (c) { c.resize(); });
  });
})();
