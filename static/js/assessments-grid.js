/* Assessments: the grade grids and the grade distribution chart. No inline script: the pages
 * hand their data over in data-* attributes and json_script.
 *
 * - form[data-grade-grid]: each select change recounts 优秀 against the cap
 *   ([data-grade-counter] data-cap, data-elsewhere = 优秀 counted outside the grid), marks the
 *   rows changed since the last save, and shows the 评语 box only where the grade is 不定等次
 *   (data-not-graded) or a comment is already written.
 * - [data-grade-chart="<json_script id>"]: a bar chart of the counts per grade (app.js's
 *   dandangBarChart).
 */
(function () {
  "use strict";

  function setupGrid(form) {
    var excellent = form.dataset.excellent;
    var notGraded = form.dataset.notGraded;
    var counter = form.querySelector("[data-grade-counter]");

    function recount() {
      if (!counter || !excellent) return;
      var count = Number(counter.dataset.elsewhere || 0);
      form.querySelectorAll("[data-grid-row] select").forEach(function (select) {
        if (select.value === excellent) count += 1;
      });
      counter.querySelector("[data-counter-value]").textContent = String(count);
      counter.classList.toggle("is-over", count > Number(counter.dataset.cap));
    }

    function refreshRow(row) {
      var select = row.querySelector("select");
      if (!select) return;
      row.classList.toggle("is-changed", select.value !== (row.dataset.saved || ""));
      var comment = row.querySelector("[data-grid-comment]");
      if (comment && notGraded) {
        var text = comment.querySelector("textarea");
        comment.hidden = !(select.value === notGraded || (text && text.value.trim() !== ""));
      }
    }

    form.querySelectorAll("[data-grid-row]").forEach(refreshRow);
    recount();
    form.addEventListener("change", function (event) {
      var row = event.target.closest("[data-grid-row]");
      if (row) refreshRow(row);
      recount();
    });
  }

  function setupChart(el) {
    var source = document.getElementById(el.dataset.gradeChart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    window.dandangBarChart(el, data.grades.map(function (g, i) {
      // 优秀 over the cap shows in the brand red, the other grades in grey-blue.
      var over = g.value === "excellent" && data.excellent > data.cap;
      return { label: g.label, value: g.count,
               color: i === 0 ? (over ? "#b42318" : "#9b1c1c") : "#5b7083" };
    }), { name: data.count_label, left: 40, barMaxWidth: 56 });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-grade-grid]").forEach(setupGrid);
    document.querySelectorAll("[data-grade-chart]").forEach(setupChart);
  });
})();
