/* Dandang (担当), fault-tolerance pages: the little behaviour beyond static/js/app.js.
 *
 * - [data-multi-autocomplete]: app.js's autocomplete picks one item; each pick becomes a
 *   removable chip carrying a hidden input, so several cadres or units can be chosen.
 * - form[data-upload]: files are checked for size before sending, then the form is posted
 *   by XHR so a progress bar can show the upload. The server answers {"redirect": url} on
 *   success, or the page again with the errors, whose form replaces this one. Without
 *   JavaScript the same form posts normally.
 * Messages come from data-msg-* attributes the templates fill with translated text.
 */
(function () {
  "use strict";

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function megabytes(bytes) {
    return (bytes / 1024 / 1024).toFixed(1);
  }

  // Chips ----------------------------------------------------------------------------
  document.addEventListener("change", function (event) {
    var hidden = event.target;
    if (!hidden.matches || !hidden.matches("[data-autocomplete-value]")) return;
    var root = hidden.closest("[data-multi-autocomplete]");
    if (!root || !hidden.value) return;
    var input = root.querySelector(".autocomplete-input");
    var chips = root.querySelector("[data-chips]");
    var name = root.dataset.name;
    var exists = chips.querySelector('input[name="' + name + '"][value="' + hidden.value + '"]');
    if (!exists) {
      var chip = document.createElement("li");
      chip.className = "chip";
      var label = document.createElement("span");
      label.textContent = input.value;
      var value = document.createElement("input");
      value.type = "hidden";
      value.name = name;
      value.value = hidden.value;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", (root.dataset.removeLabel || "") + " " + input.value);
      remove.textContent = "×";
      chip.append(label, value, remove);
      chips.appendChild(chip);
    }
    hidden.value = "";
    input.value = "";
    input.classList.remove("is-unresolved");
  });

  document.addEventListener("click", function (event) {
    var remove = event.target.closest && event.target.closest(".chip-remove");
    if (!remove) return;
    var root = remove.closest("[data-multi-autocomplete]");
    remove.closest(".chip").remove();
    if (root) root.querySelector(".autocomplete-input").focus();
  });

  // Uploads --------------------------------------------------------------------------
  function uploadBox(form) {
    return form.querySelector(".ft-upload");
  }

  function showErrors(box, messages) {
    var area = box && box.querySelector("[data-upload-errors]");
    if (!area) return;
    area.innerHTML = "";
    messages.forEach(function (message) {
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = message;
      area.appendChild(p);
    });
    area.hidden = messages.length === 0;
  }

  function checkFiles(box) {
    var input = box.querySelector('input[type="file"]');
    var limit = parseInt(input.dataset.maxBytes || "0", 10);
    var errors = [];
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (file.size === 0) {
        errors.push(format(box.dataset.msgEmpty, { name: file.name }));
      } else if (limit && file.size > limit) {
        errors.push(format(box.dataset.msgTooLarge, {
          name: file.name, size: megabytes(file.size), limit: megabytes(limit).replace(/\.0$/, ""),
        }));
      }
    });
    return errors;
  }

  function listFiles(box) {
    var input = box.querySelector('input[type="file"]');
    var list = box.querySelector("[data-file-list]");
    if (!list) return;
    list.innerHTML = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      var li = document.createElement("li");
      li.textContent = file.name + "（" + megabytes(file.size) + " MB）";
      list.appendChild(li);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('.ft-upload input[type="file"]')) return;
    var box = input.closest(".ft-upload");
    listFiles(box);
    showErrors(box, checkFiles(box));
  });

  function setBusy(form, busy) {
    form.querySelectorAll('button[type="submit"]').forEach(function (button) { button.disabled = busy; });
    form.classList.toggle("is-uploading", busy);
  }

  function replaceForm(form, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = form.id ? doc.getElementById(form.id) : null;
    if (!fresh) return false;
    // The other open <details> of the page stay as they are; only this form changes.
    var details = form.closest("details");
    form.replaceWith(fresh);
    if (details) details.open = true;
    // app.js sets up the autocompletes of content that htmx swaps in; do the same here.
    fresh.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true, detail: { elt: fresh } }));
    var first = fresh.querySelector(".error, .alert-error");
    (first || fresh).scrollIntoView({ block: "center" });
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-upload]") || !window.FormData || !window.XMLHttpRequest) return;
    var box = uploadBox(form);
    if (box) {
      var errors = checkFiles(box);
      showErrors(box, errors);
      if (errors.length) {
        event.preventDefault();
        return;
      }
    }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    var progress = box && box.querySelector("[data-upload-progress]");
    var bar = progress && progress.querySelector("progress");
    var text = progress && progress.querySelector("[data-upload-progress-text]");
    var hasFiles = box && box.querySelector('input[type="file"]').files.length > 0;
    if (progress && hasFiles) {
      progress.hidden = false;
      bar.value = 0;
      text.textContent = format(box.dataset.msgProgress, { percent: "0%" });
    }
    setBusy(form, true);

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (!progress || !e.lengthComputable) return;
      var percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      text.textContent = percent >= 100 ? box.dataset.msgProcessing : format(box.dataset.msgProgress, { percent: percent + "%" });
    });
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (type.indexOf("application/json") === 0) {
        try {
          var answer = JSON.parse(xhr.responseText);
          if (answer.redirect) {
            window.location.assign(answer.redirect);
            return;
          }
        } catch (e) { /* fall through to the generic message */ }
      } else if (type.indexOf("text/html") === 0 && replaceForm(form, xhr.responseText)) {
        return;
      }
      setBusy(form, false);
      if (progress) progress.hidden = true;
      showErrors(box, [box ? box.dataset.msgFailed : ""]);
    });
    xhr.addEventListener("error", function () {
      setBusy(form, false);
      if (progress) progress.hidden = true;
      showErrors(box, [box ? box.dataset.msgNetwork : ""]);
    });
    xhr.send(data);
  });
})();
