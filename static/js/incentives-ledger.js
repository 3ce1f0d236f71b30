/* Incentives: the ledger's distribution chart. No inline script: the page hands the data over
 * in json_script, named by [data-ledger-chart="<json_script id>"]. Apache ECharts is vendored
 * under static/vendor/echarts/; the tooltip is drawn on the canvas (renderMode "richText"),
 * since the HTML tooltip writes style="" attributes the CSP refuses. The chart follows its
 * container (ResizeObserver), so it never widens a phone's page.
 */
(function () {
  "use strict";

  var COLORS = { "1": "#9b1c1c", "0": "#5b7083", "-1": "#1f2937" };

  function setupChart(el) {
    if (!window.echarts) return;
    var source = document.getElementById(el.dataset.ledgerChart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 16, right: 16, top: 24, bottom: 32, containLabel: true },
      xAxis: { type: "category", name: data.axis_label, nameLocation: "middle", nameGap: 28,
               data: data.bars.map(function (b) { return b.label; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        name: data.count_label,
        type: "bar",
        barMaxWidth: 48,
        label: { show: true, position: "top" },
        data: data.bars.map(function (b) {
          return { value: b.count, itemStyle: { color: COLORS[String(b.sign)] } };
        })
      }]
    });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    } else {
      window.addEventListener("resize", function () { chart.resize(); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-ledger-chart]").forEach(setupChart);
  });
})();
