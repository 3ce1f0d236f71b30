/* Incentives: the ledger's distribution chart. No inline script: the page hands the data over
 * in json_script, named by [data-ledger-chart="<json_script id>"]; app.js's dandangBarChart
 * draws it.
 */
(function () {
  "use strict";

  var COLORS = { "1": "#9b1c1c", "0": "#5b7083", "-1": "#1f2937" };

  function setupChart(el) {
    var source = document.getElementById(el.dataset.ledgerChart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    window.dandangBarChart(el, data.bars.map(function (b) {
      return { label: b.label, value: b.count, color: COLORS[String(b.sign)] };
    }), { name: data.count_label, axisName: data.axis_label });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-ledger-chart]").forEach(setupChart);
  });
})();
