/* Dandang (担当): the little behaviour the pages need. htmx does the rest.
 *
 * - [data-autocomplete]: a search box plus a hidden id (cadres.forms.AutocompleteWidget).
 *   Typing asks data-url?q=… for <li class="autocomplete-option" data-value data-label>;
 *   choosing one fills the hidden id. Typing again clears it, so a name that was typed
 *   but never chosen is never sent as if it had been.
 * - .tree-toggle: expands and collapses a unit tree node (htmx loads its children once).
 * - .nav-toggle: on a phone the side navigation folds into the top bar's 菜单 button
 *   (html.js marks that this script runs; without it the navigation simply stays open).
 */
document.documentElement.classList.add("js");
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".nav-toggle");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) return;
    var open = nav.classList.toggle("is-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  function setupAutocomplete(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var input = root.querySelector(".autocomplete-input");
    var hidden = root.querySelector("[data-autocomplete-value]");
    var list = root.querySelector(".autocomplete-list");
    var active = -1;
    var controller = null;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll(".autocomplete-option"));
    }
    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
      input.classList.toggle("is-unresolved", input.value.trim() !== "" && !hidden.value);
    }
    function highlight(index) {
      var opts = options();
      if (!opts.length) return;
      active = (index + opts.length) % opts.length;
      opts.forEach(function (o, i) {
        o.classList.toggle("is-active", i === active);
        o.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function choose(option) {
      hidden.value = option.dataset.value;
      input.value = option.dataset.label;
      close();
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var search = debounce(function () {
      if (controller) controller.abort();
      controller = new AbortController();
      var url = root.dataset.url + "?q=" + encodeURIComponent(input.value.trim());
      fetch(url, { signal: controller.signal, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          list.innerHTML = html;
          active = -1;
          if (document.activeElement === input) open();
        })
        .catch(function () { /* aborted by a newer search */ });
    }, 200);

    input.addEventListener("input", function () {
      hidden.value = "";
      search();
    });
    input.addEventListener("focus", search);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); open(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(options()[active]);
      } else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    // mousedown, not click: it comes before the input's blur closes the list.
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest(".autocomplete-option");
      if (option) {
        event.preventDefault();
        choose(option);
      }
    });
  }

  function init(scope) {
    if (!scope || !scope.querySelectorAll) return;
    if (scope.matches && scope.matches("[data-autocomplete]")) setupAutocomplete(scope);
    scope.querySelectorAll("[data-autocomplete]").forEach(setupAutocomplete);
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".tree-toggle");
    if (!toggle) return;
    var children = toggle.parentElement.querySelector(":scope > .tree-children");
    var expanded = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", expanded ? "false" : "true");
    if (children) children.hidden = expanded;
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // Content htmx swaps in (fragments, inline forms) gets the same behaviour.
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();

/* One bar chart, as the pages draw them (the grade distribution, the ledger's): Apache ECharts,
 * vendored under static/vendor/echarts/, loaded by the page that draws. The tooltip is drawn on
 * the canvas (renderMode "richText"): ECharts' HTML tooltip writes style="" attributes, which
 * the CSP refuses. The chart follows its container (ResizeObserver: a turned phone, a folded
 * menu), so it never widens a phone's page.
 *   bars: [{label, value, color}]; options: {name, axisName, left, barMaxWidth}. */
window.dandangBarChart = function (el, bars, options) {
  "use strict";
  if (!window.echarts || !el) return null;
  options = options || {};
  var chart = window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: "axis", renderMode: "richText" },
    grid: { left: options.left || 16, right: 16, top: 24, bottom: 32, containLabel: true },
    xAxis: { type: "category", name: options.axisName || "", nameLocation: "middle", nameGap: 28,
             data: bars.map(function (b) { return b.label; }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{
      name: options.name || "",
      type: "bar",
      barMaxWidth: options.barMaxWidth || 48,
      label: { show: true, position: "top" },
      data: bars.map(function (b) { return { value: b.value, itemStyle: { color: b.color } }; })
    }]
  });
  if (window.ResizeObserver) {
    new ResizeObserver(function () { chart.resize(); }).observe(el);
  } else {
    window.addEventListener("resize", function () { chart.resize(); });
  }
  return chart;
};
